using System.Diagnostics;
using AspireAgent.IntegrationTests.ScaleOut.Infrastructure;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.ScaleOut;

/// <summary>Three gateway node processes and two worker processes on loopback, sharing one redis-server.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class ThousandConversationsTests
{
    private const int Conversations = 1000;

    [Fact]
    public async Task A_thousand_concurrent_conversations_over_three_nodes_and_two_workers_all_complete_whole()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(nodes: 3, workers: 2, new Dictionary<string, string>
        {
            ["Inference__Simulated__TokensPerSecond"] = "2000",
            ["Inference__Simulated__TokenCount"] = "24",
            ["Inference__Concurrency"] = "64",
            ["Bus__RequestQueueCapacity"] = "4096",
        });
        var runs = Enumerable.Range(0, Conversations)
            .Select(i => new ConversationRun($"load-{i}", $"Question {i}: how does the gateway scale out?"))
            .ToList();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(3));

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(runs.Select((run, i) =>
            run.RunAsync(cluster.NodeUris, i % cluster.Nodes.Count, i % 2 == 0 ? WireEncoding.MessagePack : WireEncoding.Json, limit.Token)));
        clock.Stop();

        var report = $"{Conversations} conversations in {clock.Elapsed.TotalSeconds:0.0} s, {runs.Sum(r => r.Seqs.Count)} chunks";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        foreach (var run in runs)
        {
            RunAssert.CompleteAndWhole(run, cluster.TokenCount, cluster.Diagnostics);
            Assert.Equal(0, run.Resets);
            Assert.Equal(0, run.Reconnections);
        }

        Assert.Equal(["node-1", "node-2", "node-3"], runs.SelectMany(r => r.Nodes).Distinct().Order());
    }
}
