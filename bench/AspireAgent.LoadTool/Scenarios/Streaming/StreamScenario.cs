using System.Diagnostics;
using System.Globalization;
using AspireAgent.LoadTool.Cli;
using AspireAgent.LoadTool.Reporting;
using AspireAgent.LoadTool.Servers;
using AspireAgent.LoadTool.Stats;

namespace AspireAgent.LoadTool.Scenarios.Streaming;

/// <summary>
/// K clients each stream answers from the simulated model, back to back, for a bounded time: tokens per second
/// delivered, chunk delivery latency (client-observed, and the gateway's own histogram), first-token latency and
/// the server's CPU per token. Every answer is verified; one wrong answer fails the run.
/// </summary>
internal static class StreamScenario
{
    public static async Task<RunResults> RunAsync(ToolArguments args, CancellationToken cancellationToken)
    {
        var common = CommonSettings.Read(args, "aspireagent,signalr");
        var streams = args.Int("streams", 100);
        var duration = args.Seconds("duration", 20);
        var warmup = args.Seconds("warmup", 10);
        var rate = args.Double("tokens-per-second", 40);
        var tokenCount = args.Int("token-count", 60);
        var batchChars = args.Int("batch-chars", 4);
        var batchDelay = TimeSpan.FromMilliseconds(args.Double("batch-delay-ms", 15));
        var maxAnswers = args.Int("max-answers", 10_000);
        args.ThrowOnUnknown();
        if (common.Targets.Contains(Target.Gateway))
        {
            throw new ArgumentException("The gateway alone (no worker) only holds idle connections: use it with connections or scale.");
        }

        var results = new RunResults("stream", new Dictionary<string, string>
        {
            ["streams"] = streams.ToString(CultureInfo.InvariantCulture),
            ["tokens/s per stream"] = rate.ToString(CultureInfo.InvariantCulture),
            ["tokens/answer"] = tokenCount.ToString(CultureInfo.InvariantCulture),
            ["batch"] = $"{batchChars} chars/{batchDelay.TotalMilliseconds} ms",
            ["duration"] = $"{duration.TotalSeconds} s",
            ["warm-up"] = $"{warmup.TotalSeconds} s",
            ["encoding"] = common.Encoding.ToString(),
        });
        var window = new StreamWindow(warmup, duration);
        foreach (var (run, target) in common.Schedule())
        {
            var env = ServerSettings.Merge(
                ServerSettings.Model(rate, tokenCount, batchChars, batchDelay),
                new Dictionary<string, string>
                {
                    // One worker answers every stream at once, as the SignalR hub does (256 is the option's ceiling).
                    ["Inference__Concurrency"] = Math.Min(256, streams).ToString(CultureInfo.InvariantCulture),

                    // Each load client asks back to back, far faster than a person: the per-identity rate limit
                    // (measured by FairnessTests, not here) would refuse it after its burst.
                    ["Gateway__Quotas__MessageBurst"] = "100000",
                    ["Gateway__Quotas__MessageRefillInterval"] = "00:00:00.001",
                }).With(common);
            await using var server = await ServerProcess.StartAsync(target, common.BasePort, common.Configuration, env, cancellationToken);
            var plans = Enumerable.Range(0, streams)
                .Select(client => (Func<long, StreamPlan>)(deadline => new StreamPlan(run, client, tokenCount, deadline, maxAnswers)))
                .ToList();
            // The floor speaks the gateway protocol, so the same clients stream from it.
            var tallies = target != Target.SignalR
                ? await StreamRun.AgentAsync(server, common.Encoding, plans, window, results, run, cancellationToken)
                : await StreamRun.SignalRAsync(server, plans, window, results, run, cancellationToken);
            foreach (var failure in tallies.SelectMany(t => t.Failures).Take(20))
            {
                results.Fail($"{target.Name()} run {run}: {failure}");
            }
        }

        if (streams > 256)
        {
            Console.Error.WriteLine("note: the gateway's worker generates at most 256 answers at once (Inference:Concurrency); the rest queue.");
        }

        return results;
    }

    /// <summary>Records one run's figures from the client tallies and the server's samples around the streaming window.</summary>
    public static void Report(
        RunResults results, Target target, int run, IReadOnlyList<StreamTally> tallies, TimeSpan elapsed,
        ProcessSample before, ProcessSample after, HistogramWindow? gateway)
    {
        var tokens = tallies.Sum(t => t.Tokens);
        var latency = LatencySamples.Merge(tallies.Select(t => t.ChunkLatency));
        var first = LatencySamples.Merge(tallies.Select(t => t.FirstToken));
        var produced = LatencySamples.Merge(tallies.Select(t => t.FirstTokenProduced));
        var cpu = (after.CpuTime - before.CpuTime).TotalSeconds;
        results.Add("answers verified", "", target, run, tallies.Sum(t => t.Answers));
        results.Add("tokens delivered", "tokens/s", target, run, tokens / elapsed.TotalSeconds);
        results.Add("chunks delivered", "frames/s", target, run, tallies.Sum(t => t.Chunks) / elapsed.TotalSeconds);
        results.Add("chunk latency P50 (producer→client)", "ms", target, run, LatencySamples.Percentile(latency, 0.50));
        results.Add("chunk latency P99 (producer→client)", "ms", target, run, LatencySamples.Percentile(latency, 0.99));
        results.Add("chunk latency P999 (producer→client)", "ms", target, run, LatencySamples.Percentile(latency, 0.999));
        results.Add("first-token latency P50", "ms", target, run, LatencySamples.Percentile(first, 0.50));
        results.Add("first-token latency P99", "ms", target, run, LatencySamples.Percentile(first, 0.99));
        results.Add("first chunk produced P50 (question→stamp)", "ms", target, run, LatencySamples.Percentile(produced, 0.50));
        results.Add("first chunk produced P99 (question→stamp)", "ms", target, run, LatencySamples.Percentile(produced, 0.99));
        if (gateway is not null)
        {
            results.Add("gateway-added latency P50 (histogram)", "ms", target, run, gateway.Quantile(0.50) * 1000);
            results.Add("gateway-added latency P99 (histogram)", "ms", target, run, gateway.Quantile(0.99) * 1000);
            results.Add("gateway-added latency P999 (histogram)", "ms", target, run, gateway.Quantile(0.999) * 1000);
        }

        results.Add("server CPU", "% of a core", target, run, cpu / elapsed.TotalSeconds * 100);
        results.Add("server CPU per token", "µs", target, run, tokens == 0 ? double.NaN : cpu / tokens * 1e6);
        results.Add("server RSS at end", "MiB", target, run, after.RssBytes / 1048576.0);
    }

    public static long Deadline(TimeSpan duration) => Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
}
