using System.Diagnostics;
using AspireAgent.LoadTool.Cli;
using AspireAgent.LoadTool.Net;
using AspireAgent.LoadTool.Reporting;
using AspireAgent.LoadTool.Servers;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.LoadTool.Scenarios.Connections;

/// <summary>
/// N idle connections on one server with the heartbeat on: memory per connection (process RSS and managed heap,
/// against the same server's figures before any connection), CPU spent keeping them alive, and how fast they
/// were accepted. A connection that drops during the hold fails the run.
/// </summary>
internal static class ConnectionsScenario
{
    public static async Task<RunResults> RunAsync(ToolArguments args, CancellationToken cancellationToken)
    {
        var common = CommonSettings.Read(args, "aspireagent,signalr,floor");
        var count = args.Int("count", 10_000);
        var sources = args.Int("sources", Math.Max(1, (count + 24_999) / 25_000));
        var interval = args.Seconds("heartbeat-interval", 5);
        var hold = args.Seconds("hold", 30);
        var parallel = args.Int("parallel", 64);
        var connectTimeout = args.Seconds("connect-timeout", 300);
        args.ThrowOnUnknown();

        var limits = FileDescriptorLimit.RaiseSoftToHard();
        Console.WriteLine($"connections: {count} per target, {sources} source address(es), heartbeat every {interval.TotalSeconds} s, hold {hold.TotalSeconds} s, fd limit {limits.Soft}/{limits.Hard}");
        if (limits.Soft != 0 && (ulong)count + 200 > limits.Soft)
        {
            Console.Error.WriteLine($"warning: {count} connections need more than the {limits.Soft} descriptors a process may open here (server side too); expect refusals past it.");
        }

        var results = new RunResults("connections", new Dictionary<string, string>
        {
            ["count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["heartbeat"] = $"{interval.TotalSeconds} s",
            ["hold"] = $"{hold.TotalSeconds} s",
            ["encoding"] = common.Encoding.ToString(),
        }, first: common.Targets.Contains(Target.Gateway) && !common.Targets.Contains(Target.AspireAgent) ? "gateway" : "aspireagent");
        using var pool = new SourceAddressPool(sources);
        foreach (var (run, target) in common.Schedule())
        {
            var env = ServerSettings.Heartbeat(interval).With(common);
            await using var server = await ServerProcess.StartAsync(target, common.BasePort, common.Configuration, env, cancellationToken);
            await MeasureAsync(server, run, count, interval, hold, parallel, connectTimeout, common.Encoding, pool, results, cancellationToken);
        }

        return results;
    }

    private static async Task MeasureAsync(
        ServerProcess server, int run, int count, TimeSpan interval, TimeSpan hold, int parallel, TimeSpan connectTimeout,
        WireEncoding encoding, SourceAddressPool pool, RunResults results, CancellationToken cancellationToken)
    {
        var target = server.Target;

        // The empty server, warmed by a few seconds of idling: the baseline every per-connection figure subtracts.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var idle0 = server.Sample();
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var idle1 = server.Sample();
        var emptyScrape = await server.ScrapeAsync(cancellationToken);
        var idleCores = ProcessSample.CoresBetween(idle0, idle1);

        var counters = new IdleCounters();
        var connections = new IIdleConnection?[count];
        var failures = 0;
        string? firstFailure = null;
        var started = Stopwatch.GetTimestamp();
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(connectTimeout);
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = deadline.Token }, async (i, ct) =>
            {
                try
                {
                    // The floor speaks hello/welcome and ping/pong like the gateway, so the same client measures both.
                    connections[i] = target != Target.SignalR
                        ? await IdleAgentConnection.OpenAsync(server.Endpoint, MessageCodecs.Get(encoding), pool.Next(), counters, ct)
                        : await IdleSignalRConnection.OpenAsync(server.Endpoint, interval, pool.Next(), counters, ct);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failures);
                    firstFailure ??= ex.GetBaseException().Message;
                }
            });
        }

        var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var open = connections.Count(c => c is not null);
        try
        {
            results.Add("connections open", "", target, run, open);
            results.Add("connect rate", "conn/s", target, run, open / connectSeconds);
            if (failures > 0)
            {
                results.Fail($"{target.Name()} run {run}: {failures} of {count} connections failed to open (first: {firstFailure})");
            }

            // Settle, then the hold window: only heartbeats flow.
            await Task.Delay(interval + TimeSpan.FromSeconds(2), cancellationToken);
            var before = server.Sample();
            var pingsBefore = counters.Pings;
            var closedBefore = counters.Closed;
            await Task.Delay(hold, cancellationToken);
            var after = server.Sample();
            var pings = counters.Pings - pingsBefore;
            var scrape = await server.ScrapeAsync(cancellationToken);

            var cores = ProcessSample.CoresBetween(before, after);
            var heartbeatCpu = Math.Max(0, cores - idleCores) * hold.TotalSeconds;
            results.Add("RSS per connection", "KiB", target, run, (after.RssBytes - idle1.RssBytes) / 1024.0 / Math.Max(1, open));
            results.Add("GC heap per connection", "KiB", target, run,
                (ServerMemory.HeapAfterLastGc(scrape) - ServerMemory.HeapAfterLastGc(emptyScrape)) / 1024.0 / Math.Max(1, open));
            results.Add("GC committed per connection", "KiB", target, run,
                (ServerMemory.GcCommitted(scrape) - ServerMemory.GcCommitted(emptyScrape)) / 1024.0 / Math.Max(1, open));
            results.Add("process RSS", "MiB", target, run, after.RssBytes / 1048576.0);
            results.Add("threads", "", target, run, after.Threads);
            results.Add("server CPU while idle-connected", "% of a core", target, run, cores * 100);
            results.Add("server pings received by clients", "/s", target, run, pings / hold.TotalSeconds);
            results.Add("CPU per heartbeat", "µs", target, run, pings == 0 ? double.NaN : heartbeatCpu / pings * 1e6);

            // The design's reference: a heartbeat every 30 s per connection; how many a core can keep at that rate.
            results.Add("connections per core at 30 s beat", "conn", target, run,
                pings == 0 || heartbeatCpu <= 0 ? double.NaN : 30 / (heartbeatCpu / pings));
            if (counters.Closed > closedBefore || counters.Closed > 0)
            {
                results.Fail($"{target.Name()} run {run}: {counters.Closed} idle connections dropped (last: {counters.LastClose})");
            }

            if (pings == 0)
            {
                results.Fail($"{target.Name()} run {run}: no heartbeat reached the clients during the hold");
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                if (connection is not null)
                {
                    connection.Stopping = true;
                }
            }

            await Parallel.ForEachAsync(connections.OfType<IIdleConnection>(), CancellationToken.None, (c, _) => c.DisposeAsync());
        }
    }
}
