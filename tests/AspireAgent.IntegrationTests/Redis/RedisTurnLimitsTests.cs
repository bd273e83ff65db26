using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>The per-identity answer quota and the orphaned-turn takeover, shared by every node through Redis.</summary>
public sealed class RedisTurnLimitsTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_identitys_answer_quota_holds_across_nodes_is_given_back_and_expires()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?> { ["Bus:AnswerQuotaLifetime"] = "00:00:01" };
        await using var a = await BusNode.StartAsync(redis, settings);
        await using var b = await BusNode.StartAsync(redis, settings);
        var quotaA = a.Services.GetRequiredService<IAnswerQuota>();
        var quotaB = b.Services.GetRequiredService<IAnswerQuota>();

        var taken = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            (i % 2 == 0 ? quotaA : quotaB).TryTakeAsync("alice", $"s{i}", 3, _test).AsTask()));
        Assert.Equal(3, taken.Count(t => t));
        Assert.True(await quotaB.TryTakeAsync("bob", "b1", 3, _test), "another identity has its own quota");

        var holder = $"s{Array.IndexOf(taken, true)}";
        await quotaB.ReleaseAsync("alice", holder, _test);
        Assert.True(await quotaA.TryTakeAsync("alice", "s-next", 3, _test));
        Assert.False(await quotaA.TryTakeAsync("alice", "s-over", 3, _test));

        // Counts whose answers were lost with their process expire.
        await Task.Delay(TimeSpan.FromMilliseconds(1_200), _test);
        Assert.True(await quotaB.TryTakeAsync("alice", "s-after", 3, _test));
    }

    [Fact]
    public async Task A_turn_begun_but_never_confirmed_is_taken_over_by_another_node_after_the_turn_start_timeout()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?> { ["Bus:TurnStartTimeout"] = "00:00:01" };
        await using var dead = await BusNode.StartAsync(redis, settings);
        await using var live = await BusNode.StartAsync(redis, settings);
        await dead.Conversations.ClaimAsync("orphaned", "alice", _test);
        await live.Conversations.ClaimAsync("submitted", "alice", _test);

        Assert.NotNull(await dead.Conversations.TryBeginTurnAsync("orphaned", "s-lost", new ChatTurn(TurnRole.User, "lost"), _test));
        Assert.NotNull(await live.Conversations.TryBeginTurnAsync("submitted", "s-ok", new ChatTurn(TurnRole.User, "kept"), _test));
        await live.Conversations.ConfirmTurnAsync("submitted", "s-ok", _test);
        Assert.Null(await live.Conversations.TryBeginTurnAsync("orphaned", "s-early", new ChatTurn(TurnRole.User, "too early"), _test));

        await Task.Delay(TimeSpan.FromMilliseconds(1_200), _test);

        Assert.NotNull(await live.Conversations.TryBeginTurnAsync("orphaned", "s-new", new ChatTurn(TurnRole.User, "again"), _test));
        Assert.Null(await live.Conversations.TryBeginTurnAsync("submitted", "s-steal", new ChatTurn(TurnRole.User, "steal"), _test));
        // The late completion of the orphan changes nothing; the new turn's does.
        await dead.Conversations.CompleteTurnAsync("orphaned", "s-lost", null, _test);
        Assert.Null(await live.Conversations.TryBeginTurnAsync("orphaned", "s-third", new ChatTurn(TurnRole.User, "third"), _test));
    }
}
