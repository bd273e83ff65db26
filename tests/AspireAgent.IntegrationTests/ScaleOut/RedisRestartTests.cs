using AspireAgent.IntegrationTests.ScaleOut.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.ScaleOut;

/// <summary>
/// redis-server killed (SIGKILL) and started again mid-run, under three nodes and two workers that are not
/// restarted. With persistence (AOF, fsync always, as production should run it) the answers in flight resume:
/// readers catch up from the log and a worker whose write failed re-acquires its stream and answers again after
/// a reset. Without persistence Redis comes back empty: the answers in flight end with a clear error
/// (<c>stream_not_found</c>). Either way new conversations are served at once, by the same processes.
/// On a Redis Cluster one master is restarted (with persistence): it reloads its slots from nodes.conf and its
/// data from the AOF while the other masters keep serving, and the answers in flight resume the same way. The
/// run without persistence stays on one redis-server: on a cluster only the restarted master's share would be
/// lost, which is not the outcome that test states.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class RedisRestartTests
{
    private const int Conversations = 30;

    [Theory]
    [InlineData(RedisTopology.Single)]
    [InlineData(RedisTopology.Cluster)]
    public async Task With_persistence_answers_in_flight_resume_and_new_conversations_are_served_without_restarting_anything(RedisTopology topology)
    {
        await using var cluster = await StartAsync(durable: true, topology);
        var inFlight = await RestartRedisMidStreamAsync(cluster);

        foreach (var run in inFlight)
        {
            RunAssert.CompleteAndWhole(run, cluster.TokenCount, cluster.Diagnostics);
            Assert.InRange(run.Resets, 0, 1);
            Assert.Equal(0, run.Reconnections);
        }

        await AssertNewConversationsServedAsync(cluster);
    }

    [Fact]
    public async Task Without_persistence_answers_in_flight_end_with_a_clear_error_and_new_conversations_are_served()
    {
        await using var cluster = await StartAsync(durable: false, RedisTopology.Single);
        var inFlight = await RestartRedisMidStreamAsync(cluster);

        foreach (var run in inFlight)
        {
            Assert.True(run.Failure is null && run.End is null && run.Error is { Code: ErrorCodes.StreamNotFound }, $"{run}{Environment.NewLine}{cluster.Diagnostics()}");
            Assert.Empty(run.Violations);
            Assert.Equal(0, run.Reconnections);
        }

        await AssertNewConversationsServedAsync(cluster);
    }

    private static Task<ScaleOutCluster> StartAsync(bool durable, RedisTopology topology) =>
        ScaleOutCluster.StartAsync(nodes: 3, workers: 2, new Dictionary<string, string>
        {
            ["Inference__Simulated__TokensPerSecond"] = "40",
            // 2 s answers on one redis-server; 5 s on a cluster, where the thirty conversations' start takes longer
            // (80 tokens there had some answers finish before the master went down).
            ["Inference__Simulated__TokenCount"] = topology == RedisTopology.Cluster ? "200" : "80",
            ["Inference__Batching__MaxChars"] = "1",
        }, durableRedis: durable, topology: topology);

    private static async Task<List<ConversationRun>> RestartRedisMidStreamAsync(ScaleOutCluster cluster)
    {
        var runs = Enumerable.Range(0, Conversations)
            .Select(i => new ConversationRun($"restart-{i}", $"Question {i}: what if Redis restarts?", progressMark: 5))
            .ToList();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        var running = runs.Select((run, i) => run.RunAsync(cluster.NodeUris, i % cluster.Nodes.Count, WireEncoding.MessagePack, limit.Token)).ToList();

        await Task.WhenAll(runs.Select(r => r.Progressed)).WaitAsync(TimeSpan.FromSeconds(30), limit.Token);
        Assert.All(runs, run => Assert.False(run.Finished, $"{run} finished before Redis went down"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await cluster.Redis.RestartAsync();
        var down = clock.Elapsed;
        await Task.WhenAll(running);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Redis ({cluster.Redis.Topology}) down {down.TotalMilliseconds:0} ms; in flight: {runs.Count(r => r.End is not null)} ended ({runs.Count(r => r.Resets > 0)} after a reset), " +
            $"{runs.Count(r => r.Error is not null)} with an error; all done {clock.Elapsed.TotalSeconds:0.00} s after the kill");

        Assert.All(cluster.Nodes.Concat(cluster.Workers), process => Assert.False(process.HasExited, $"{process.Name} exited:\n{process.RecentOutput}"));
        return runs;
    }

    private static async Task AssertNewConversationsServedAsync(ScaleOutCluster cluster)
    {
        var runs = Enumerable.Range(0, Conversations)
            .Select(i => new ConversationRun($"after-restart-{i}", $"Question {i}: are you back?"))
            .ToList();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(1));
        await Task.WhenAll(runs.Select((run, i) => run.RunAsync(cluster.NodeUris, i % cluster.Nodes.Count, WireEncoding.Json, limit.Token)));

        foreach (var run in runs)
        {
            RunAssert.CompleteAndWhole(run, cluster.TokenCount, cluster.Diagnostics);
            Assert.Equal(0, run.Resets);
        }

        Assert.Equal(["node-1", "node-2", "node-3"], runs.SelectMany(r => r.Nodes).Distinct().Order());
    }
}
