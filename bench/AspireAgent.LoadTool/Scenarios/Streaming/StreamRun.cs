using System.Diagnostics;
using AspireAgent.LoadTool.Reporting;
using AspireAgent.LoadTool.Servers;
using AspireAgent.Protocol.Client;
using AspireAgent.Protocol.Encoding;
using Microsoft.AspNetCore.SignalR.Client;

namespace AspireAgent.LoadTool.Scenarios.Streaming;

/// <summary>
/// One streaming run against one server: connect every client first and warm up (not measured), then start them
/// together, sample the server around the window, and wait for every answer begun before the deadline to end.
/// </summary>
internal static class StreamRun
{
    private const string DeliveryLatency = "aspireagent_gateway_delivery_latency_seconds";

    public static async Task<IReadOnlyList<StreamTally>> AgentAsync(
        ServerProcess server, WireEncoding encoding, IReadOnlyList<Func<long, StreamPlan>> plans, StreamWindow window,
        RunResults results, int run, CancellationToken cancellationToken)
    {
        var clients = new List<AgentClient>();
        try
        {
            foreach (var _ in plans)
            {
                clients.Add(await AgentStreamer.ConnectAsync(server.Endpoint, encoding, cancellationToken));
            }

            return await MeasureAsync(server, plans, window, results, run, (i, plan, tally) =>
                AgentStreamer.RunAsync(clients[i], plan, tally, cancellationToken), cancellationToken);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    public static async Task<IReadOnlyList<StreamTally>> SignalRAsync(
        ServerProcess server, IReadOnlyList<Func<long, StreamPlan>> plans, StreamWindow window,
        RunResults results, int run, CancellationToken cancellationToken)
    {
        var connections = new List<HubConnection>();
        try
        {
            foreach (var _ in plans)
            {
                connections.Add(await SignalRStreamer.ConnectAsync(server.Endpoint, cancellationToken));
            }

            return await MeasureAsync(server, plans, window, results, run, (i, plan, tally) =>
                SignalRStreamer.RunAsync(connections[i], plan, tally, cancellationToken), cancellationToken);
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task<IReadOnlyList<StreamTally>> MeasureAsync(
        ServerProcess server, IReadOnlyList<Func<long, StreamPlan>> plans, StreamWindow window, RunResults results, int run,
        Func<int, StreamPlan, StreamTally, Task> stream, CancellationToken cancellationToken)
    {
        // Warm-up: the same streams, verified, not measured, so JIT tiers and pools are warm on both servers
        // (see StreamWindow); at least one answer per client either way.
        var warmups = plans.Select(_ => new StreamTally()).ToList();
        var warmupDeadline = StreamScenario.Deadline(window.Warmup > TimeSpan.Zero ? window.Warmup : TimeSpan.FromSeconds(60));
        await Task.WhenAll(plans.Select((plan, i) =>
        {
            var warmup = plan(warmupDeadline) with { Run = -run };
            return Guard(stream(i, window.Warmup > TimeSpan.Zero ? warmup : warmup with { MaxAnswers = 1 }, warmups[i]), warmups[i]);
        }));
        foreach (var failure in warmups.SelectMany(t => t.Failures).Take(20))
        {
            results.Fail($"{server.Target.Name()} run {run} warm-up: {failure}");
        }

        var tallies = plans.Select(_ => new StreamTally()).ToList();
        var scrapeBefore = await server.ScrapeAsync(cancellationToken);
        var before = server.Sample();
        var started = Stopwatch.GetTimestamp();
        var deadline = StreamScenario.Deadline(window.Duration);
        await Task.WhenAll(plans.Select((plan, i) => Guard(stream(i, plan(deadline), tallies[i]), tallies[i])));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var after = server.Sample();
        var scrapeAfter = await server.ScrapeAsync(cancellationToken);
        var gateway = server.Target == Target.AspireAgent
            ? new HistogramWindow(scrapeBefore.Buckets(DeliveryLatency), scrapeAfter.Buckets(DeliveryLatency))
            : null;
        StreamScenario.Report(results, server.Target, run, tallies, elapsed, before, after, gateway);
        return tallies;
    }

    // A client whose connection breaks is a failed run, not a crashed tool: the failure is recorded with the others.
    private static async Task Guard(Task streaming, StreamTally tally)
    {
        try
        {
            await streaming;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            tally.Fail($"client failed: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
