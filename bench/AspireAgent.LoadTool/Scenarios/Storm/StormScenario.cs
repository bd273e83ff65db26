using System.Diagnostics;
using System.Globalization;
using AspireAgent.LoadTool.Cli;
using AspireAgent.LoadTool.Reporting;
using AspireAgent.LoadTool.Servers;

namespace AspireAgent.LoadTool.Scenarios.Storm;

/// <summary>
/// Reconnect storm: C clients on node A, node B idle beside it; A is killed (SIGKILL: no close frames) and every
/// client reconnects to B with its identity token. Measured with and without jitter in the same run: time until
/// every client is welcomed back, the peak rate of welcomes, failed attempts, and B's CPU. A client that is not
/// back within --max-wait, or comes back as someone else, fails the run.
/// </summary>
internal static class StormScenario
{
    private const string NoJitter = "no jitter";
    private const string WithJitter = "jitter";

    public static async Task<RunResults> RunAsync(ToolArguments args, CancellationToken cancellationToken)
    {
        var common = CommonSettings.Read(args, "aspireagent");
        var clients = args.Int("clients", 10_000);
        var jitter = args.Double("jitter", 0.2);
        var maxWait = args.Seconds("max-wait", 120);
        var parallel = args.Int("parallel", 100);
        args.ThrowOnUnknown();
        if (common.Targets.Any(t => t != Target.AspireAgent))
        {
            throw new ArgumentException("The storm runs against the gateway only (--targets aspireagent).");
        }

        var results = new RunResults("storm", new Dictionary<string, string>
        {
            ["clients"] = clients.ToString(CultureInfo.InvariantCulture),
            ["jitter"] = $"±{jitter * 100:0} %",
            ["encoding"] = common.Encoding.ToString(),
        }, WithJitter, NoJitter);
        var slot = 0;
        for (var run = 1; run <= common.Runs; run++)
        {
            var modes = run % 2 == 1 ? new[] { NoJitter, WithJitter } : [WithJitter, NoJitter];
            foreach (var mode in modes)
            {
                var schedule = new ReconnectSchedule(mode == NoJitter ? 0 : jitter);
                var port = common.BasePort + 2 * slot++;
                await RunOnceAsync(common, clients, parallel, maxWait, schedule, port, mode, run, results, cancellationToken);
            }
        }

        return results;
    }

    private static async Task RunOnceAsync(
        CommonSettings common, int count, int parallel, TimeSpan maxWait, ReconnectSchedule schedule, int port,
        string mode, int run, RunResults results, CancellationToken cancellationToken)
    {
        var env = new Dictionary<string, string>().With(common);
        await using var doomed = await ServerProcess.StartAsync(Target.AspireAgent, port, common.Configuration, env, cancellationToken);
        await using var survivor = await ServerProcess.StartAsync(Target.AspireAgent, port + 1, common.Configuration, env, cancellationToken);

        var clients = new StormClient?[count];
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
                async (i, ct) => clients[i] = await StormClient.ConnectAsync(doomed.Endpoint, common.Encoding, ct));
            Console.WriteLine($"  run {run} {mode}: {count} clients on node A; killing it");

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(maxWait);
            var before = survivor.Sample();
            var reconnects = clients.Select(c => c!.ReconnectAsync(survivor.Endpoint, schedule, maxAttempts: 20, wait.Token)).ToArray();
            var killedAt = Stopwatch.GetTimestamp();
            doomed.Kill();
            try
            {
                await Task.WhenAll(reconnects);
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // --max-wait reached: the clients still out are reported below as a failure.
            }

            var after = survivor.Sample();
            Report(results, mode, run, clients!, killedAt, before, after);
        }
        finally
        {
            await Parallel.ForEachAsync(clients.OfType<StormClient>(), CancellationToken.None, (c, _) => c.DisposeAsync());
        }
    }

    private static void Report(
        RunResults results, string mode, int run, StormClient[] clients, long killedAt, ProcessSample before, ProcessSample after)
    {
        var back = clients.Where(c => c.ResumedAt != 0).ToList();
        var seconds = back.Select(c => Stopwatch.GetElapsedTime(killedAt, c.ResumedAt).TotalSeconds).Order().ToArray();
        results.Add("clients back", "", mode, run, back.Count);
        results.Add("time until all back", "s", mode, run, back.Count == clients.Length ? seconds[^1] : double.NaN);
        results.Add("time until 50 % back", "s", mode, run, seconds.Length == 0 ? double.NaN : seconds[seconds.Length / 2]);
        results.Add("time until 99 % back", "s", mode, run, seconds.Length < clients.Length * 0.99 ? double.NaN : seconds[(int)(clients.Length * 0.99) - 1]);
        results.Add("peak welcome rate (100 ms bins)", "conn/s", mode, run, PeakRate(seconds, 0.1));
        results.Add("peak welcome rate (1 s bins)", "conn/s", mode, run, PeakRate(seconds, 1));
        results.Add("failed attempts", "", mode, run, clients.Sum(c => Math.Max(0, c.Attempts - (c.ResumedAt != 0 ? 1 : 0))));
        results.Add("most attempts by one client", "", mode, run, clients.Max(c => c.Attempts));
        results.Add("survivor CPU during storm", "CPU-s", mode, run, (after.CpuTime - before.CpuTime).TotalSeconds);
        results.Add("survivor RSS after", "MiB", mode, run, after.RssBytes / 1048576.0);

        if (back.Count < clients.Length)
        {
            var missing = clients.FirstOrDefault(c => c.ResumedAt == 0);
            results.Fail($"{mode} run {run}: {clients.Length - back.Count} clients not back (one: {missing?.LastFailure ?? "never dropped"})");
        }

        if (back.Count(c => !c.IdentityKept) is var lost and > 0)
        {
            results.Fail($"{mode} run {run}: {lost} clients came back with another identity");
        }
    }

    private static double PeakRate(double[] seconds, double bin) =>
        seconds.Length == 0 ? 0 : seconds.GroupBy(s => (long)(s / bin)).Max(g => g.Count()) / bin;
}
