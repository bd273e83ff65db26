using System.Diagnostics;
using AspireAgent.Protocol.Client;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.LoadTool.Scenarios.Storm;

/// <summary>
/// One client of the storm: connected to the node that will die, it waits for the connection to drop, then
/// reconnects to the surviving node on the reconnect schedule, presenting its identity token, until welcomed.
/// </summary>
internal sealed class StormClient : IAsyncDisposable
{
    private readonly TaskCompletionSource _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WireEncoding _encoding;
    private AgentClient _client;

    private StormClient(AgentClient client, WireEncoding encoding)
    {
        _client = client;
        _encoding = encoding;
        client.StateChanged += OnStateChanged;
    }

    public string? Identity { get; private set; }

    /// <summary>Stopwatch timestamp of the welcome from the surviving node; 0 until then.</summary>
    public long ResumedAt { get; private set; }

    public int Attempts { get; private set; }

    public bool IdentityKept { get; private set; }

    public string? LastFailure { get; private set; }

    public static async Task<StormClient> ConnectAsync(Uri endpoint, WireEncoding encoding, CancellationToken cancellationToken)
    {
        var client = new AgentClient(new AgentClientOptions { Endpoint = endpoint, Encoding = encoding });
        var storm = new StormClient(client, encoding);
        try
        {
            await client.ConnectAsync(cancellationToken);
        }
        catch
        {
            await storm.DisposeAsync();
            throw;
        }

        storm.Identity = client.IdentityId;
        return storm;
    }

    public async Task ReconnectAsync(Uri survivor, ReconnectSchedule schedule, int maxAttempts, CancellationToken cancellationToken)
    {
        await _dropped.Task.WaitAsync(cancellationToken);
        var token = _client.IdentityToken;
        _client.StateChanged -= OnStateChanged;
        await _client.DisposeAsync();
        var random = new Random(Random.Shared.Next());
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            await Task.Delay(schedule.Delay(attempt, random), cancellationToken);
            Attempts = attempt;
            var next = new AgentClient(new AgentClientOptions { Endpoint = survivor, Encoding = _encoding, IdentityToken = token });
            try
            {
                await next.ConnectAsync(cancellationToken);
                ResumedAt = Stopwatch.GetTimestamp();
                IdentityKept = next.IdentityId == Identity;
                _client = next;
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LastFailure = ex.GetBaseException().Message;
                await next.DisposeAsync();
            }
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private void OnStateChanged(AgentConnectionState state)
    {
        if (state is AgentConnectionState.Failed or AgentConnectionState.Closed)
        {
            _dropped.TrySetResult();
        }
    }
}
