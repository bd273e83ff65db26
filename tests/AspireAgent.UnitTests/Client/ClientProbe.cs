using System.Threading.Channels;
using AspireAgent.Protocol.Client;

namespace AspireAgent.UnitTests.Client;

/// <summary>
/// Watches an <see cref="AgentClient"/>: every state it passed through and every reconnect it announced, with
/// bounded waits for the next of either, so tests never sleep.
/// </summary>
internal sealed class ClientProbe
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<AgentConnectionState> _states = [];
    private readonly Channel<AgentConnectionState> _stateFeed = Channel.CreateUnbounded<AgentConnectionState>();
    private readonly Channel<ReconnectStatus> _scheduled = Channel.CreateUnbounded<ReconnectStatus>();

    public ClientProbe(AgentClient client)
    {
        client.StateChanged += state =>
        {
            lock (_states)
            {
                _states.Add(state);
            }

            _stateFeed.Writer.TryWrite(state);
        };
        client.ReconnectChanged += status =>
        {
            if (status.NextAttemptAt is not null)
            {
                _scheduled.Writer.TryWrite(status);
            }
        };
    }

    public IReadOnlyList<AgentConnectionState> States
    {
        get
        {
            lock (_states)
            {
                return [.. _states];
            }
        }
    }

    /// <summary>Waits until the client has entered <paramref name="state"/> <paramref name="times"/> times in all.</summary>
    public async Task WaitForAsync(AgentConnectionState state, int times = 1)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            while (States.Count(s => s == state) < times)
            {
                await _stateFeed.Reader.ReadAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The client did not enter {state} {times} time(s); it went through {string.Join(" → ", States)}.");
        }
    }

    /// <summary>The next reconnect attempt the client scheduled (its timer is already running on the client's clock).</summary>
    public async Task<ReconnectStatus> NextScheduledAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            return await _scheduled.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No reconnect was scheduled; the client went through {string.Join(" → ", States)}.");
        }
    }
}
