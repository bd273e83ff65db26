using System.Diagnostics;
using AspireAgent.IntegrationTests.ScaleOut.Infrastructure;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.ScaleOut;

/// <summary>
/// A worker killed mid-answer (SIGKILL: it writes nothing more). Its requests stay pending in the consumer
/// group; after the claim timeout the other worker takes each over, appends a <c>reset</c> and streams the
/// whole answer again. Every client sees one answer: the text after the reset, never old text mixed in.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class WorkerFailureTests
{
    private const int Conversations = 24;
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ClaimCheckInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan AnswerDuration = TimeSpan.FromSeconds(2); // 80 tokens at 40 a second

    [Theory]
    [InlineData(RedisTopology.Single)]
    [InlineData(RedisTopology.Cluster)]
    public async Task Every_request_of_a_worker_killed_mid_answer_ends_within_the_claim_timeout_plus_one_answer_after_a_reset(RedisTopology topology)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(nodes: 2, workers: 2, new Dictionary<string, string>
        {
            ["Inference__Simulated__TokensPerSecond"] = "40",
            ["Inference__Simulated__TokenCount"] = "80",
            ["Inference__Batching__MaxChars"] = "1",
            // Neither worker can hold every request: each surely has some when one dies.
            ["Inference__Concurrency"] = "16",
            ["Bus__Redis__ClaimTimeout"] = "00:00:02",
            ["Bus__Redis__LeaseRenewInterval"] = "00:00:00.400",
            ["Bus__Redis__ClaimCheckInterval"] = "00:00:00.250",
        }, topology: topology);
        var runs = Enumerable.Range(0, Conversations)
            .Select(i => new ConversationRun($"worker-kill-{i}", $"Question {i}: what happens when a worker dies?", progressMark: 5))
            .ToList();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        var started = Stopwatch.StartNew();
        var running = runs.Select((run, i) =>
            run.RunAsync(cluster.NodeUris, i % cluster.Nodes.Count, WireEncoding.MessagePack, limit.Token)).ToList();

        await Task.WhenAll(runs.Select(r => r.Progressed)).WaitAsync(TimeSpan.FromSeconds(30), limit.Token);
        var unfinished = runs.Count(r => !r.Finished);
        var killedAt = started.Elapsed;
        await cluster.Workers[0].KillAsync();
        await Task.WhenAll(running);

        // The stated bound: the claim timeout (measured from the dead worker's last renewal, at most one renew
        // interval before the kill), the next claim check, then a whole answer; plus slack for a loaded machine.
        var bound = ClaimTimeout + ClaimCheckInterval + AnswerDuration + TimeSpan.FromSeconds(3);
        Assert.Equal(Conversations, unfinished);
        foreach (var run in runs)
        {
            RunAssert.CompleteAndWhole(run, cluster.TokenCount, cluster.Diagnostics);
            Assert.InRange(run.Resets, 0, 1);
            Assert.Equal(0, run.Reconnections);
            Assert.True(run.FinishedAfter - killedAt <= bound, $"{run} ended {run.FinishedAfter - killedAt} after the kill; bound {bound}");
        }

        var takenOver = runs.Where(r => r.Resets == 1).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{takenOver.Count} of {Conversations} answers taken over; the last ended {runs.Max(r => r.FinishedAfter!.Value - killedAt).TotalSeconds:0.00} s after the kill (bound {bound.TotalSeconds:0.00} s)");
        Assert.NotEmpty(takenOver);
        Assert.Contains(runs, r => r.Resets == 0);
        // A taken-over answer is the whole answer again after the reset, its seqs continuing past the dead worker's.
        Assert.All(takenOver, run => Assert.True(run.Seqs.Count > cluster.TokenCount, run.ToString()));
        Assert.All(takenOver, run => Assert.True(run.FinishedAfter - killedAt >= ClaimTimeout - TimeSpan.FromMilliseconds(500), run.ToString()));
    }
}
