using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>Conversation keys in Redis expire with the retention; the rules are in ConversationStoreContract.</summary>
public sealed class RedisConversationStoreTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

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
    }
}
