using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.IntegrationTests.Client;

/// <summary>A node shutting down (1001) sends its clients to another node at once; their answers carry on.</summary>
[Collection(ClientResilienceCollection.Name)]
public sealed class GoingAwayTests
{
    [Fact]
    public async Task A_node_shutting_down_makes_the_client_reconnect_at_once_to_another_node_and_resume_there()
    {
        await using var nodeA = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:NodeId"] = "node-a",
            ["Inference:Simulated:TokensPerSecond"] = "400",
            ["Inference:Simulated:TokenCount"] = "200",
        });
        await using var nodeB = await TestGateway.StartAsync(
            new Dictionary<string, string?> { ["Gateway:NodeId"] = "node-b" }, withWorker: false, shareBusWith: nodeA);
        await using var balancer = new CuttingProxy(nodeB.HttpBase);

        await using var reference = ResilientClients.Create(nodeA.WebSocketUri);
        await reference.ConnectAsync(TestContext.Current.CancellationToken);
        var expected = await reference.AskAsync("conv-reference", "Where do you live?");

        // Reconnect delays as shipped, so that "at once" is measured against the real schedule.
        await using var client = ResilientClients.Create(balancer.WebSocketUri, o => o.Reconnect = new ReconnectOptions());
        var schedule = new List<(ReconnectStatus Status, DateTimeOffset At)>();
        var states = new List<AgentConnectionState>();
        client.ReconnectChanged += status =>
        {
            lock (schedule)
            {
                schedule.Add((status, DateTimeOffset.UtcNow));
            }
        };
        client.StateChanged += state =>
        {
            lock (states)
            {
                states.Add(state);
            }
        };
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        Assert.Equal("node-b", client.Node);
        Task? shutdown = null;

        var answer = await client.AskAsync("conv-moved", "Where do you live?", chunk =>
        {
            if (shutdown is null && chunk.Seq == 5)
            {
                balancer.Retarget(nodeA.HttpBase);
                shutdown = nodeB.StopAsync();
            }

            return ValueTask.CompletedTask;
        });
        await shutdown!.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("node-a", client.Node);
        var (first, announcedAt) = Assert.Single(schedule, s => s.Status.NextAttemptAt is not null);
        Assert.Equal(1, first.Attempt);
        Assert.Contains("1001", first.Reason, StringComparison.Ordinal);
        Assert.InRange(first.NextAttemptAt!.Value - announcedAt, TimeSpan.FromMilliseconds(-50), TimeSpan.FromMilliseconds(500));
        lock (states)
        {
            Assert.DoesNotContain(AgentConnectionState.Abnormal, states); // told, not cut
        }

        answer.AssertContiguous();
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal(expected.End.FullContent, answer.Text);
    }
}
