using AspireAgent.IntegrationTests.ScaleOut.Infrastructure;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.ScaleOut;

/// <summary>The repository's nginx configuration in front of two gateway nodes: upgrade headers, spreading, failover.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class NginxTests
{
    private const int Conversations = 20;

    [Theory]
    [InlineData(RedisTopology.Single)]
    [InlineData(RedisTopology.Cluster)]
    public async Task Nginx_spreads_sockets_over_two_nodes_and_sends_clients_of_a_dead_node_to_the_other_to_resume(RedisTopology topology)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(nodes: 2, workers: 1, new Dictionary<string, string>
        {
            ["Inference__Simulated__TokensPerSecond"] = "40",
            ["Inference__Simulated__TokenCount"] = "80",
            ["Inference__Batching__MaxChars"] = "1",
            ["Inference__Concurrency"] = "32",
        }, topology: topology);
        await using var nginx = await NginxProxy.StartAsync(cluster.Nodes.Select(n => n.HttpBase));
        var runs = Enumerable.Range(0, Conversations)
            .Select(i => new ConversationRun($"nginx-{i}", $"Question {i}: through the load balancer?", progressMark: 5))
            .ToList();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        // Every client knows one address only: nginx's.
        var running = runs.Select(run => run.RunAsync([nginx.WebSocketUri], 0, WireEncoding.MessagePack, limit.Token)).ToList();

        await Task.WhenAll(runs.Select(r => r.Progressed)).WaitAsync(TimeSpan.FromSeconds(30), limit.Token);
        var firstNodes = runs.Select(r => r.Nodes[0]).ToList();
        var unfinished = runs.Count(r => !r.Finished);
        await cluster.Nodes[0].KillAsync();
        await Task.WhenAll(running);

        Assert.Equal(Conversations, unfinished);
        Assert.True(firstNodes.Distinct().Order().SequenceEqual(["node-1", "node-2"]), $"first nodes {string.Join(",", firstNodes)}; nginx: {nginx.Configuration}{nginx.RecentOutput}");
        foreach (var run in runs)
        {
            RunAssert.CompleteAndWhole(run, cluster.TokenCount, () => $"{cluster.Diagnostics()}{Environment.NewLine}----- nginx{Environment.NewLine}{nginx.RecentOutput}");
            Assert.True((run.Nodes[0] == "node-1" ? ["node-1", "node-2"] : new[] { "node-2" }).SequenceEqual(run.Nodes), run.ToString());
        }
    }
}
