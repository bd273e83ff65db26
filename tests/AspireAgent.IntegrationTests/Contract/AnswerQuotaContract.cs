using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Contract;

/// <summary>The per-identity answer count, on every implementation: one limit across every node sharing the bus.</summary>
public abstract class AnswerQuotaContract(BusTarget target)
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_identity_has_at_most_its_limit_of_answers_counted_across_nodes_until_one_is_released()
    {
        await using var nodes = await target.StartAsync(2);
        var (a, b) = (nodes[0].Quota, nodes[1].Quota);
        var (alice, bob) = ($"alice-{MessageIds.New()}", $"bob-{MessageIds.New()}");

        Assert.True(await a.TryTakeAsync(alice, "s1", 2, _test));
        Assert.True(await b.TryTakeAsync(alice, "s2", 2, _test));
        Assert.True(await b.TryTakeAsync(alice, "s2", 2, _test)); // already counted: no second place taken
        Assert.False(await a.TryTakeAsync(alice, "s3", 2, _test));
        Assert.True(await a.TryTakeAsync(bob, "s4", 2, _test)); // another identity's count is its own

        await b.ReleaseAsync(alice, "s1", _test);
        await b.ReleaseAsync(alice, "s1", _test); // twice: harmless
        await a.ReleaseAsync(alice, "never-counted", _test);
        Assert.True(await a.TryTakeAsync(alice, "s3", 2, _test));
        Assert.False(await b.TryTakeAsync(alice, "s5", 2, _test));
    }

    [Fact]
    public async Task An_answer_lost_with_its_process_stops_counting_after_the_quota_lifetime()
    {
        await using var nodes = await target.StartAsync(2, new Dictionary<string, string?> { ["Bus:AnswerQuotaLifetime"] = "00:00:01" });
        var alice = $"alice-{MessageIds.New()}";
        Assert.True(await nodes[0].Quota.TryTakeAsync(alice, "lost", 1, _test));
        Assert.False(await nodes[1].Quota.TryTakeAsync(alice, "next", 1, _test));

        await Task.Delay(TimeSpan.FromSeconds(1.2), _test);

        Assert.True(await nodes[1].Quota.TryTakeAsync(alice, "next", 1, _test));
    }
}
