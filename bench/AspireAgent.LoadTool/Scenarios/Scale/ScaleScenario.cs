using System.Diagnostics;
using System.Globalization;
using AspireAgent.LoadTool.Cli;
using AspireAgent.LoadTool.Net;
using AspireAgent.LoadTool.Reporting;
using AspireAgent.LoadTool.Servers;

namespace AspireAgent.LoadTool.Scenarios.Scale;

/// <summary>
/// More idle connections than one process may hold: <c>--gateways</c> gateway processes (Services.Socket, in-memory
/// bus) listening on one port with <c>Gateway:ReusePort</c>, and <c>--client-processes</c> <c>idle-clients</c>
/// processes holding <c>--count</c> connections between them, every ping answered, for <c>--hold</c>. Reports
/// connections active and dropped (by close code), each gateway's RSS, GC heap, GC committed and threads, the
/// gateways' CPU per connection and the heartbeats per second. One dropped connection fails the run.
/// </summary>
internal static class ScaleScenario
{
    private const string Gateways = "gateways";
    private const string Clients = "clients";
    private const string ActiveConnections = "aspireagent_gateway_connections_active";
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(30);

    public static async Task<RunResults> RunAsync(ToolArguments args, CancellationToken cancellationToken)
    {
        var common = CommonSettings.Read(args, "gateway", defaultRuns: 1);
        var plan = new ScalePlan(args.Int("count", 100_000), args.Int("gateways", 6), args.Int("client-processes", 6));
        var interval = args.Seconds("heartbeat-interval", 30);
        var hold = args.Seconds("hold", 600);
        var parallel = args.Int("parallel", 32);
        var connectTimeout = args.Seconds("connect-timeout", 900);
        var encoding = args.String("encoding", "msgpack");
        args.ThrowOnUnknown();
        if (common.Targets is not [Target.Gateway])
        {
            throw new ArgumentException("scale runs the gateway alone (--targets gateway).");
        }

        if (hold < interval)
        {
            // Connections opened together beat together: a shorter window can fall between two beats and see none.
            throw new ArgumentException("--hold must be at least one --heartbeat-interval.");
        }

        var limits = FileDescriptorLimit.RaiseSoftToHard();
        plan.Check(limits.Soft);
        Console.WriteLine(FormattableString.Invariant(
            $"scale: {plan.Count} connections, {plan.Gateways} gateways on port {common.BasePort} (SO_REUSEPORT), {plan.ClientProcesses} client processes, heartbeat every {interval.TotalSeconds} s, hold {hold.TotalSeconds} s, fd limit {limits.Soft}/{limits.Hard}"));
        var results = new RunResults("scale", new Dictionary<string, string>
        {
            ["count"] = plan.Count.ToString(CultureInfo.InvariantCulture),
            ["gateways"] = plan.Gateways.ToString(CultureInfo.InvariantCulture),
            ["client processes"] = plan.ClientProcesses.ToString(CultureInfo.InvariantCulture),
            ["heartbeat"] = $"{interval.TotalSeconds} s",
            ["hold"] = $"{hold.TotalSeconds} s",
            ["encoding"] = encoding,
        }, Gateways, Clients);
        for (var run = 1; run <= common.Runs; run++)
        {
            await RunOnceAsync(common, plan, interval, hold, parallel, connectTimeout, encoding, run, results, cancellationToken);
        }

        return results;
    }

    private static async Task RunOnceAsync(
        CommonSettings common, ScalePlan plan, TimeSpan interval, TimeSpan hold, int parallel, TimeSpan connectTimeout,
        string encoding, int run, RunResults results, CancellationToken cancellationToken)
    {
        var gateways = new List<ServerProcess>();
        var clients = new List<ClientProcess>();
        try
        {
            for (var g = 0; g < plan.Gateways; g++)
            {
                // Each gateway's own port (/alive, /metrics) follows the shared one.
                var env = ServerSettings.Merge(ServerSettings.Heartbeat(interval), ServerSettings.SharedPort(g + 1)).With(common);
                gateways.Add(await ServerProcess.StartAsync(
                    Target.Gateway, common.BasePort + 1 + g, common.Configuration, env, cancellationToken, sharedPort: common.BasePort));
            }

            // The empty gateways, warmed by a few seconds of idling: the baseline every per-connection figure subtracts.
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var idle0 = gateways.Select(s => s.Sample()).ToList();
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var idle1 = gateways.Select(s => s.Sample()).ToList();
            var empty = await ScrapeAllAsync(gateways, cancellationToken);
            var idleCores = idle0.Zip(idle1, ProcessSample.CoresBetween).Sum();

            var started = Stopwatch.GetTimestamp();
            for (var c = 0; c < plan.ClientProcesses; c++)
            {
                clients.Add(ClientProcess.Start(c, gateways[0].Endpoint, plan.Share(c), plan.FirstSource(c), plan.SourcesOf(c), parallel, connectTimeout, encoding));
            }

            await WaitConnectedAsync(clients, connectTimeout + TimeSpan.FromSeconds(30), cancellationToken);
            var open = clients.Sum(c => c.Status.Open);
            var failed = clients.Sum(c => c.Status.Failed);
            results.Add("connections open", "", Gateways, run, open);
            results.Add("connect rate", "conn/s", Gateways, run, open / Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (open + failed < plan.Count || failed > 0)
            {
                var first = clients.Select(c => c.Status.FirstFailure ?? (c.HasExited ? c.Tail : null)).FirstOrDefault(f => f is not null);
                results.Fail($"run {run}: {plan.Count - open} of {plan.Count} connections did not open (first: {first})");
            }

            // Settle, then the hold window: only heartbeats flow.
            await Task.Delay(interval + TimeSpan.FromSeconds(2), cancellationToken);
            var before = gateways.Select(s => s.Sample()).ToList();
            var clientsBefore = clients.Select(c => c.Sample()).ToList();
            var pingsBefore = clients.Sum(c => c.Status.Pings);
            await HoldAsync(clients, hold, cancellationToken);
            var after = gateways.Select(s => s.Sample()).ToList();
            var clientsAfter = clients.Select(c => c.Sample()).ToList();
            var pings = clients.Sum(c => c.Status.Pings) - pingsBefore;
            var scrapes = await ScrapeAllAsync(gateways, cancellationToken);
            Report(results, run, hold, gateways, clients, idle1, empty, idleCores, before, after, scrapes, clientsBefore, clientsAfter, pings);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.StopAsync();
                await client.DisposeAsync();
            }

            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    private static void Report(
        RunResults results, int run, TimeSpan hold, List<ServerProcess> gateways, List<ClientProcess> clients,
        List<ProcessSample> idle, List<PrometheusScrape> empty, double idleCores, List<ProcessSample> before, List<ProcessSample> after,
        List<PrometheusScrape> scrapes, List<ProcessSample> clientsBefore, List<ProcessSample> clientsAfter, long pings)
    {
        var dropped = clients.Sum(c => c.Status.Closed);
        var active = clients.Sum(c => c.Status.Open) - dropped;
        var perConnection = Math.Max(1, active);
        results.Add("connections active at the end", "", Gateways, run, active);
        results.Add("connections dropped", "", Gateways, run, dropped);
        foreach (var (code, n) in clients.SelectMany(c => c.Status.CloseCodes).GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))))
        {
            results.Add($"dropped with close {code}", "", Gateways, run, n);
        }

        for (var g = 0; g < gateways.Count; g++)
        {
            results.Add($"gateway {g + 1} connections", "", Gateways, run, scrapes[g].Sum(ActiveConnections));
            results.Add($"gateway {g + 1} RSS", "MiB", Gateways, run, after[g].RssBytes / 1048576.0);
            results.Add($"gateway {g + 1} GC heap", "MiB", Gateways, run, ServerMemory.HeapAfterLastGc(scrapes[g]) / 1048576.0);
            results.Add($"gateway {g + 1} GC committed", "MiB", Gateways, run, ServerMemory.GcCommitted(scrapes[g]) / 1048576.0);
            results.Add($"gateway {g + 1} threads", "", Gateways, run, after[g].Threads);
        }

        results.Add("RSS per connection", "KiB", Gateways, run, after.Zip(idle, (a, i) => a.RssBytes - i.RssBytes).Sum() / 1024.0 / perConnection);
        results.Add("GC heap per connection", "KiB", Gateways, run,
            scrapes.Zip(empty, (a, e) => ServerMemory.HeapAfterLastGc(a) - ServerMemory.HeapAfterLastGc(e)).Sum() / 1024.0 / perConnection);
        results.Add("GC committed per connection", "KiB", Gateways, run,
            scrapes.Zip(empty, (a, e) => ServerMemory.GcCommitted(a) - ServerMemory.GcCommitted(e)).Sum() / 1024.0 / perConnection);
        results.Add("RSS, all gateways", "MiB", Gateways, run, after.Sum(s => s.RssBytes) / 1048576.0);
        results.Add("threads, all gateways", "", Gateways, run, after.Sum(s => s.Threads));

        var cores = before.Zip(after, ProcessSample.CoresBetween).Sum();
        var heartbeatCpu = Math.Max(0, cores - idleCores) * hold.TotalSeconds;
        results.Add("gateway CPU while idle-connected", "% of a core", Gateways, run, cores * 100);
        results.Add("CPU per connection", "µs/s", Gateways, run, cores * 1e6 / perConnection);
        results.Add("heartbeats per second", "/s", Gateways, run, pings / hold.TotalSeconds);
        results.Add("CPU per heartbeat", "µs", Gateways, run, pings == 0 ? double.NaN : heartbeatCpu / pings * 1e6);
        results.Add("client CPU", "% of a core", Clients, run, clientsBefore.Zip(clientsAfter, ProcessSample.CoresBetween).Sum() * 100);

        if (dropped > 0)
        {
            var last = clients.Select(c => c.Status.LastClose).LastOrDefault(l => l is not null);
            results.Fail($"run {run}: {dropped} idle connections dropped (last: {last})");
        }

        if (pings == 0)
        {
            results.Fail($"run {run}: no heartbeat reached the clients during the hold");
        }

        foreach (var gateway in gateways.Where(s => s.HasExited))
        {
            results.Fail($"run {run}: a gateway exited during the run:{Environment.NewLine}{gateway.Tail}");
        }
    }

    private static async Task WaitConnectedAsync(List<ClientProcess> clients, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastProgress = started;
        while (clients.Any(c => c.Status.Phase == ClientStatus.Connecting && !c.HasExited) && Stopwatch.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            if (Stopwatch.GetElapsedTime(lastProgress) >= TimeSpan.FromSeconds(10))
            {
                lastProgress = Stopwatch.GetTimestamp();
                Console.WriteLine(FormattableString.Invariant(
                    $"  connecting: {clients.Sum(c => c.Status.Open)} open, {clients.Sum(c => c.Status.Failed)} failed after {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s"));
            }
        }
    }

    private static async Task HoldAsync(List<ClientProcess> clients, TimeSpan hold, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var held = TimeSpan.Zero; held < hold; held += ProgressEvery)
        {
            // Slices of the planned window rather than of the clock: a timer firing a millisecond early must not
            // add a slice. The samples around the hold measure the window as it really was.
            await Task.Delay(hold - held < ProgressEvery ? hold - held : ProgressEvery, cancellationToken);
            Console.WriteLine(FormattableString.Invariant(
                $"  hold {Stopwatch.GetElapsedTime(started).TotalSeconds:0}/{hold.TotalSeconds:0} s: {clients.Sum(c => c.Status.Open - c.Status.Closed)} active, {clients.Sum(c => c.Status.Closed)} dropped, {clients.Sum(c => c.Status.Pings)} pings"));
        }
    }

    private static async Task<List<PrometheusScrape>> ScrapeAllAsync(List<ServerProcess> gateways, CancellationToken cancellationToken)
    {
        var scrapes = new List<PrometheusScrape>();
        foreach (var gateway in gateways)
        {
            scrapes.Add(await gateway.ScrapeAsync(cancellationToken));
        }

        return scrapes;
    }
}
