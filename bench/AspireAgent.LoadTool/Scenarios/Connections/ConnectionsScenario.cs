using System.Diagnostics;
using AspireAgent.LoadTool.Cli;
using AspireAgent.LoadTool.Net;
using AspireAgent.LoadTool.Reporting;
using AspireAgent.LoadTool.Servers;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.LoadTool.Scenarios.Connections;

/// <summary>
/// N idle connections on one server with the heartbeat on: memory per connection (process RSS and managed heap),
/// CPU spent keeping them alive, and how fast they were accepted. A connection that drops during the hold fails
/// the run. The baseline is the server already holding <c>--warmup</c> connections through a heartbeat: what the
/// first connections cost once (code compiled, pools and tables created) is not a cost per connection; the RSS
/// against the cold, never-connected server is reported beside it.
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
        var warmup = args.Int("warmup", 100);
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
            ["warm-up"] = warmup.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["encoding"] = common.Encoding.ToString(),
        }, first: common.Targets.Contains(Target.Gateway) && !common.Targets.Contains(Target.AspireAgent) ? "gateway" : "aspireagent");
        using var pool = new SourceAddressPool(sources);
        foreach (var (run, target) in common.Schedule())
        {
            var env = ServerSettings.Heartbeat(interval).With(common);
            await using var server = await ServerProcess.StartAsync(target, common.BasePort, common.Configuration, env, cancellationToken);
            var plan = new IdlePlan(count, warmup, interval, hold, parallel, connectTimeout, common.Encoding);
            await MeasureAsync(server, run, plan, pool, results, cancellationToken);
        }

        return results;
    }

    private static async Task MeasureAsync(
        ServerProcess server, int run, IdlePlan plan, SourceAddressPool pool, RunResults results, CancellationToken cancellationToken)
    {
        var (target, count, interval, hold) = (server.Target, plan.Count, plan.Interval, plan.Hold);

        // The empty server, idle for a few seconds: the cold baseline, and the CPU it spends on nothing (timers, GC,
        // metrics). Taken before any connection: the first ones set off tiered recompilation, which would count as idle.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var cold = server.Sample();
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var idleCores = ProcessSample.CoresBetween(cold, server.Sample());

        // The warm baseline every per-connection figure subtracts: the warm-up connections held through a heartbeat.
        var warmCounters = new IdleCounters();
        var warm = await OpenAsync(server, plan, plan.Warmup, pool, warmCounters, cancellationToken);
        var counters = new IdleCounters();
        var connections = Array.Empty<IIdleConnection?>();
        try
        {
            if (warm.Failures > 0)
            {
                results.Fail($"{target.Name()} run {run}: {warm.Failures} of {plan.Warmup} warm-up connections failed to open (first: {warm.FirstFailure})");
                return;
            }

            await Task.Delay(interval + TimeSpan.FromSeconds(2), cancellationToken);
            var baseline = server.Sample();
            var emptyScrape = await server.ScrapeAsync(cancellationToken);

            var started = Stopwatch.GetTimestamp();
            var opened = await OpenAsync(server, plan, count, pool, counters, cancellationToken);
            connections = opened.Connections;
            var (failures, firstFailure) = (opened.Failures, opened.FirstFailure);
            var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var open = connections.Count(c => c is not null);
            results.Add("connections open", "", target, run, open);
            results.Add("connect rate", "conn/s", target, run, open / connectSeconds);
            if (failures > 0)
            {
                results.Fail($"{target.Name()} run {run}: {failures} of {count} connections failed to open (first: {firstFailure})");
            }

            // Settle, then the hold window: only heartbeats flow.
            await Task.Delay(interval + TimeSpan.FromSeconds(2), cancellationToken);
            var before = server.Sample();
            var pingsBefore = counters.Pings + warmCounters.Pings; // the heartbeat CPU is every connection's, warm-up included
            var closedBefore = counters.Closed;
            await Task.Delay(hold, cancellationToken);
            var after = server.Sample();
            var pings = counters.Pings + warmCounters.Pings - pingsBefore;
            var scrape = await server.ScrapeAsync(cancellationToken);

            var cores = ProcessSample.CoresBetween(before, after);
            var heartbeatCpu = Math.Max(0, cores - idleCores) * hold.TotalSeconds;
            results.Add("RSS per connection", "KiB", target, run, (after.RssBytes - baseline.RssBytes) / 1024.0 / Math.Max(1, open));
            results.Add("RSS per connection, cold baseline", "KiB", target, run,
                (after.RssBytes - cold.RssBytes) / 1024.0 / Math.Max(1, open + plan.Warmup));
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
            if (counters.Closed > closedBefore || counters.Closed > 0 || warmCounters.Closed > 0)
            {
                results.Fail($"{target.Name()} run {run}: {counters.Closed + warmCounters.Closed} idle connections dropped (last: {counters.LastClose ?? warmCounters.LastClose})");
            }

            if (pings == 0)
            {
                results.Fail($"{target.Name()} run {run}: no heartbeat reached the clients during the hold");
            }
        }
        finally
        {
            await CloseAsync(connections);
            await CloseAsync(warm.Connections);
        }
    }

    private static async Task<OpenedConnections> OpenAsync(
        ServerProcess server, IdlePlan plan, int count, SourceAddressPool pool, IdleCounters counters, CancellationToken cancellationToken)
    {
        var connections = new IIdleConnection?[count];
        var failures = 0;
        string? firstFailure = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(plan.ConnectTimeout);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = plan.Parallel, CancellationToken = deadline.Token }, async (i, ct) =>
        {
            try
            {
                // The floor speaks hello/welcome and ping/pong like the gateway, so the same client measures both.
                connections[i] = server.Target != Target.SignalR
                    ? await IdleAgentConnection.OpenAsync(server.Endpoint, MessageCodecs.Get(plan.Encoding), pool.Next(), counters, ct)
                    : await IdleSignalRConnection.OpenAsync(server.Endpoint, plan.Interval, pool.Next(), counters, ct);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref failures);
                firstFailure ??= ex.GetBaseException().Message;
            }
        });
        return new OpenedConnections(connections, failures, firstFailure);
    }

    private static async Task CloseAsync(IIdleConnection?[] connections)
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

    private sealed record IdlePlan(
        int Count, int Warmup, TimeSpan Interval, TimeSpan Hold, int Parallel, TimeSpan ConnectTimeout, WireEncoding Encoding);

    private sealed record OpenedConnections(IIdleConnection?[] Connections, int Failures, string? FirstFailure);
}
