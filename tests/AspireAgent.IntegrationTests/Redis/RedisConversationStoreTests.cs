using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>Conversations shared by every node, against a real redis-server.</summary>
public sealed class RedisConversationStoreTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_conversation_belongs_to_its_first_identity_on_every_node()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await BusNode.StartAsync(redis);
        await using var b = await BusNode.StartAsync(redis);

        Assert.Equal(ConversationAccess.Created, await a.Conversations.ClaimAsync("conv-1", "alice", _test));
        Assert.Equal(ConversationAccess.Owned, await b.Conversations.ClaimAsync("conv-1", "alice", _test));
        Assert.Equal(ConversationAccess.Forbidden, await b.Conversations.ClaimAsync("conv-1", "mallory", _test));
    }

    [Fact]
    public async Task Two_nodes_cannot_start_two_answers_at_once_and_the_history_is_bounded()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?> { ["Bus:MaxHistoryTurns"] = "3" };
        await using var a = await BusNode.StartAsync(redis, settings);
        await using var b = await BusNode.StartAsync(redis, settings);
        await a.Conversations.ClaimAsync("conv-2", "alice", _test);

        var begun = await Task.WhenAll(
            a.Conversations.TryBeginTurnAsync("conv-2", "s1", new ChatTurn(TurnRole.User, "one"), _test).AsTask(),
            b.Conversations.TryBeginTurnAsync("conv-2", "s2", new ChatTurn(TurnRole.User, "one bis"), _test).AsTask());
        Assert.Single(begun, history => history is not null);
        var winner = begun[0] is not null ? "s1" : "s2";

        await b.Conversations.CompleteTurnAsync("conv-2", "s-other", new ChatTurn(TurnRole.Assistant, "ignored"), _test);
        Assert.Null(await a.Conversations.TryBeginTurnAsync("conv-2", "s3", new ChatTurn(TurnRole.User, "too early"), _test));
        await b.Conversations.CompleteTurnAsync("conv-2", winner, new ChatTurn(TurnRole.Assistant, "answer one"), _test);
        var history = await a.Conversations.TryBeginTurnAsync("conv-2", "s4", new ChatTurn(TurnRole.User, "two"), _test);

        Assert.Equal(
            [new ChatTurn(TurnRole.User, begun[0] is not null ? "one" : "one bis"), new ChatTurn(TurnRole.Assistant, "answer one"), new ChatTurn(TurnRole.User, "two")],
            history!.Select(turn => turn with { StreamId = null }));
        await a.Conversations.CompleteTurnAsync("conv-2", "s4", new ChatTurn(TurnRole.Assistant, "answer two"), _test);
        var bounded = await b.Conversations.TryBeginTurnAsync("conv-2", "s5", new ChatTurn(TurnRole.User, "three"), _test);
        Assert.Equal(["two", "answer two", "three"], bounded!.Select(t => t.Content));
    }

    [Fact]
    public async Task A_conversation_expires_after_its_retention_without_activity()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await BusNode.StartAsync(redis, new Dictionary<string, string?> { ["Bus:ConversationRetention"] = "01:00:00" });
        await node.Conversations.ClaimAsync("conv-3", "alice", _test);
        await node.Conversations.TryBeginTurnAsync("conv-3", "s1", new ChatTurn(TurnRole.User, "hi"), _test);

        foreach (var key in new[] { "aspireagent:{c:conv-3}:meta", "aspireagent:{c:conv-3}:turns" })
        {
            var ttl = long.Parse((await redis.CommandAsync("PTTL", key)).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(ttl, 3_590_000, 3_600_000);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await node.Conversations.TryBeginTurnAsync("never-claimed", "s1", new ChatTurn(TurnRole.User, "hi"), _test));
    }
}
