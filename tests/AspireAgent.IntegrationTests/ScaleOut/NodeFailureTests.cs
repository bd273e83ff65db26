using AspireAgent.IntegrationTests.ScaleOut.Infrastructure;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.ScaleOut;

/// <summary>A gateway node killed mid-stream: nodes are stateless, so its clients resume on the others.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class NodeFailureTests
{
    private const int Conversations = 60;

    [Theory]
    [InlineData(RedisTopology.Single)]
    [InlineData(RedisTopology.Cluster)]
    public async Task Clients_of_a_node_killed_mid_stream_resume_on_another_with_identical_content_no_gap_no_duplicate(RedisTopology topology)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(nodes: 3, workers: 2, new Dictionary<string, string>
        {
            // Long enough answers (80 chunks at 40 a second) that the kill surely lands mid-stream.
            ["Inference__Simulated__TokensPerSecond"] = "40",
            ["Inference__Simulated__TokenCount"] = "80",
            ["Inference__Batching__MaxChars"] = "1",
            ["Inference__Concurrency"] = "32",
        }, topology: topology);
        var runs = Enumerable.Range(0, Conversations)
            .Select(i => new ConversationRun($"node-kill-{i}", $"Question {i}: what happens when a node dies?", progressMark: 5))
            .ToList();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        var running = runs.Select((run, i) =>
            run.RunAsync(cluster.NodeUris, i % cluster.Nodes.Count, i % 2 == 0 ? WireEncoding.Protobuf : WireEncoding.Json, limit.Token)).ToList();

        // Every client is a few chunks into its answer: node-1 dies with its answers half streamed.
        await Task.WhenAll(runs.Select(r => r.Progressed)).WaitAsync(TimeSpan.FromSeconds(30), limit.Token);
        var victims = runs.Where(r => r.Nodes.FirstOrDefault() == "node-1").ToList();
        var unfinished = victims.Count(r => !r.Finished);
        await cluster.Nodes[0].KillAsync();
        await Task.WhenAll(running);

        Assert.Equal(Conversations / cluster.Nodes.Count, victims.Count);
        Assert.True(unfinished == victims.Count, $"only {unfinished} of {victims.Count} were mid-stream at the kill");
        foreach (var run in runs)
        {
            RunAssert.CompleteAndWhole(run, cluster.TokenCount, cluster.Diagnostics);
            Assert.Equal(0, run.Resets);
            Assert.Single(run.Identities.Distinct()); // the token issued on node-1 verified on the others
        }

        foreach (var run in victims)
        {
            Assert.Equal(1, run.Reconnections);
            Assert.Equal(2, run.Nodes.Count);
            Assert.NotEqual("node-1", run.Nodes[1]);
        }

        Assert.All(runs.Except(victims), run => Assert.Equal(0, run.Reconnections));
        // The tokens verify everywhere because the nodes share one Data Protection key ring, in Redis.
        var keys = await cluster.Redis.CommandAsync("LLEN", "aspireagent:dataprotection:keys");
        Assert.True(int.Parse(keys.TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture) >= 1, keys);
    }
}
