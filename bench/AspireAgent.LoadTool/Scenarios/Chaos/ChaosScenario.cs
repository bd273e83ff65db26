using System.Diagnostics;
using System.Globalization;
using AspireAgent.LoadTool.Cli;
using AspireAgent.LoadTool.Reporting;

namespace AspireAgent.LoadTool.Scenarios.Chaos;

/// <summary>
/// The clients of the chaos run (bench/chaos.sh starts the cluster and does the killing): N conversations through
/// the load balancer for --duration, then up to --answer-timeout for the answers in flight. Reports how every
/// answer ended; any duplicated, altered or lost answer fails the run.
/// </summary>
internal static class ChaosScenario
{
    public static async Task<RunResults> RunAsync(ToolArguments args, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(args.String("endpoint", "ws://127.0.0.1:5960/ws"));
        var conversations = args.Int("conversations", 200);
        var duration = args.Seconds("duration", 600);
        var plan = new ChaosPlan(
            RunId: Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next())),
            Endpoint: endpoint,
            Encoding: CommonSettings.ReadEncoding(args),
            TokenCount: args.Int("token-count", 30),
            Think: args.Seconds("think", 1),
            AnswerTimeout: args.Seconds("answer-timeout", 90));
        args.ThrowOnUnknown();

        var results = new RunResults("chaos", new Dictionary<string, string>
        {
            ["conversations"] = conversations.ToString(CultureInfo.InvariantCulture),
            ["duration"] = $"{duration.TotalSeconds:0} s",
            ["token-count"] = plan.TokenCount.ToString(CultureInfo.InvariantCulture),
            ["encoding"] = plan.Encoding.ToString(),
        }, "cluster", "–");

        var tally = new ChaosTally();
        using var stopAsking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stopAsking.CancelAfter(duration);
        hardStop.CancelAfter(duration + plan.AnswerTimeout + TimeSpan.FromSeconds(15));
        var clock = Stopwatch.StartNew();
        var runs = Enumerable.Range(1, conversations)
            .Select(i => new ChaosConversation(i, plan, tally).RunAsync(stopAsking.Token, hardStop.Token))
            .ToList();
        var all = Task.WhenAll(runs);
        while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None)) != all)
        {
            Console.WriteLine(FormattableString.Invariant(
                $"  {clock.Elapsed:mm\\:ss} asked {tally.Asked}, whole {tally.Whole}, errors {tally.ErrorCount}, duplicated {tally.Duplicated.Count}, altered {tally.Altered.Count}, lost {tally.Lost.Count}"));
        }

        await all;
        Report(tally, results);
        return results;
    }

    private static void Report(ChaosTally tally, RunResults results)
    {
        results.Add("answers asked", "count", "cluster", 1, tally.Asked);
        results.Add("answers whole", "count", "cluster", 1, tally.Whole);
        results.Add("answers ended with an explicit error", "count", "cluster", 1, tally.ErrorCount);
        foreach (var (code, count) in tally.Errors.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            results.Add($"  error {code}", "count", "cluster", 1, count);
        }

        results.Add("answers duplicated", "count", "cluster", 1, tally.Duplicated.Count);
        results.Add("answers altered", "count", "cluster", 1, tally.Altered.Count);
        results.Add("answers lost", "count", "cluster", 1, tally.Lost.Count);
        results.Add("answers taken over by another worker (reset)", "count", "cluster", 1, tally.Resets);
        results.Add("connection attempts refused during kills", "count", "cluster", 1, tally.ConnectFailures);
        if (tally.Whole == 0)
        {
            // A run in which nothing was answered proves nothing about how answers end.
            results.Fail($"no answer ended whole ({tally.Asked} asked, {tally.ConnectFailures} connection attempts refused)");
        }

        foreach (var (kind, queue) in new[] { ("duplicated", tally.Duplicated), ("altered", tally.Altered), ("lost", tally.Lost) })
        {
            foreach (var detail in queue.Take(20))
            {
                results.Fail($"{kind}: {detail}");
            }

            if (queue.Count > 20)
            {
                results.Fail($"{kind}: … and {queue.Count - 20} more");
            }
        }
    }
}
