using AspireAgent.LoadTool.Cli;
using AspireAgent.LoadTool.Net;
using AspireAgent.LoadTool.Scenarios.Connections;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.LoadTool.Scenarios.Scale;

/// <summary>
/// <c>idle-clients</c>: one client process of the scale scenario. Opens <c>--count</c> idle gateway connections
/// from its own source addresses, answers every ping, reports a <see cref="ClientStatus"/> line each second, and
/// closes everything when its standard input ends — which is also what happens when the scenario dies, so no
/// client process outlives it.
/// </summary>
internal static class IdleClientsCommand
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(ToolArguments args, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(args.String("endpoint", "ws://127.0.0.1:5900/ws"));
        var count = args.Int("count", 1000);
        var firstSource = args.Int("first-source", 1);
        var sources = args.Int("sources", Math.Max(1, (count + 19_999) / 20_000));
        var parallel = args.Int("parallel", 32);
        var connectTimeout = args.Seconds("connect-timeout", 900);
        var encoding = CommonSettings.ReadEncoding(args);
        args.ThrowOnUnknown();
        FileDescriptorLimit.RaiseSoftToHard();

        using var pool = new SourceAddressPool(sources, firstSource);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inputEnded = WaitForEndOfInputAsync(stop.Token);
        var clients = new IdleClients(count);
        var connecting = clients.ConnectAsync(endpoint, MessageCodecs.Get(encoding), pool, parallel, connectTimeout, stop.Token);
        try
        {
            while (!inputEnded.IsCompleted && !cancellationToken.IsCancellationRequested)
            {
                Console.WriteLine(clients.Status(connecting.IsCompleted ? ClientStatus.Holding : ClientStatus.Connecting).ToLine());
                await Task.WhenAny(inputEnded, Task.Delay(ReportEvery, CancellationToken.None));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await connecting;
            Console.WriteLine(clients.Status(ClientStatus.Done).ToLine());
            await clients.DisposeAsync();
        }
    }

    private static async Task WaitForEndOfInputAsync(CancellationToken cancellationToken)
    {
        await using var input = Console.OpenStandardInput();
        var buffer = new byte[256];
        try
        {
            while (await input.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by Ctrl+C instead.
        }
    }

    /// <summary>The connections of one client process and what they saw.</summary>
    private sealed class IdleClients(int count) : IAsyncDisposable
    {
        private readonly IdleAgentConnection?[] _connections = new IdleAgentConnection?[count];
        private readonly IdleCounters _counters = new();
        private int _open;
        private int _failed;
        private string? _firstFailure;

        public async Task ConnectAsync(
            Uri endpoint, IMessageCodec codec, SourceAddressPool pool, int parallel, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await Parallel.ForAsync(0, _connections.Length, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = deadline.Token }, async (i, ct) =>
                {
                    try
                    {
                        _connections[i] = await IdleAgentConnection.OpenAsync(endpoint, codec, pool.Next(), _counters, ct);
                        Interlocked.Increment(ref _open);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref _failed);
                        Interlocked.CompareExchange(ref _firstFailure, ex.GetBaseException().Message, null);
                    }
                });
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The connect timeout: what did not open counts as failed.
                Interlocked.Exchange(ref _failed, _connections.Length - Volatile.Read(ref _open));
                Interlocked.CompareExchange(ref _firstFailure, $"not open within {timeout.TotalSeconds} s", null);
            }
            catch (OperationCanceledException)
            {
                // Stopped before every connection opened.
            }
        }

        public ClientStatus Status(string phase) => new(
            phase, Volatile.Read(ref _open), Volatile.Read(ref _failed), _counters.Pings, _counters.Closed,
            new Dictionary<string, long>(_counters.CloseCodes), _firstFailure, _counters.LastClose);

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in _connections)
            {
                if (connection is not null)
                {
                    connection.Stopping = true;
                }
            }

            await Parallel.ForEachAsync(_connections.OfType<IdleAgentConnection>(), CancellationToken.None, (c, _) => c.DisposeAsync());
        }
    }
}
