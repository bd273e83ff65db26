using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>List, read and delete conversations: the same contract on the in-memory bus and on a real redis-server.</summary>
public sealed class ConversationListingTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_owner_lists_reads_and_deletes_only_their_own_conversations(bool onRedis)
    {
        await using var redis = onRedis ? await RedisServer.StartAsync() : null;
        await using var node = await BusNode.StartAsync(redis);
        var store = node.Conversations;

        await store.ClaimAsync("c-old", "alice", _test);
        await store.TryBeginTurnAsync("c-old", "s1", new ChatTurn(TurnRole.User, "  First question\nwith a second line"), _test);
        await store.CompleteTurnAsync("c-old", "s1", new ChatTurn(TurnRole.Assistant, "# Answer\n- one"), _test);
        await Task.Delay(5, _test); // distinct last-activity milliseconds
        await store.ClaimAsync("c-new", "alice", _test);
        await store.TryBeginTurnAsync("c-new", "s2", new ChatTurn(TurnRole.User, new string('x', 200)), _test);
        await store.ClaimAsync("c-bob", "bob", _test);
        await store.TryBeginTurnAsync("c-bob", "s3", new ChatTurn(TurnRole.User, "bob's secret"), _test);

        var listed = await store.ListAsync("alice", _test);
        Assert.Equal(["c-new", "c-old"], listed.Select(c => c.ConversationId));
        Assert.Equal(new string('x', ConversationSnapshot.TitleLength), listed[0].Title);
        Assert.Equal("s2", listed[0].ActiveStreamId);
        Assert.Equal("First question", listed[1].Title);
        Assert.Null(listed[1].ActiveStreamId);

        var read = await store.GetAsync("c-old", _test);
        Assert.NotNull(read);
        Assert.Equal("alice", read.OwnerId);
        Assert.Equal(
            [new ChatTurn(TurnRole.User, "  First question\nwith a second line") { StreamId = "s1" }, new ChatTurn(TurnRole.Assistant, "# Answer\n- one") { StreamId = "s1" }],
            read.Turns);
        Assert.Equal("s2", (await store.GetAsync("c-new", _test))!.ActiveStreamId);

        Assert.Equal(ConversationAccess.Forbidden, await store.DeleteAsync("c-old", "bob", _test));
        Assert.NotNull(await store.GetAsync("c-old", _test));
        Assert.Equal(ConversationAccess.Owned, await store.DeleteAsync("c-old", "alice", _test));
        Assert.Null(await store.GetAsync("c-old", _test));
        Assert.Null(await store.DeleteAsync("c-old", "alice", _test));
        Assert.Equal(["c-new"], (await store.ListAsync("alice", _test)).Select(c => c.ConversationId));
        Assert.Equal(["c-bob"], (await store.ListAsync("bob", _test)).Select(c => c.ConversationId));

        // An answer still finishing into a deleted conversation does not bring it back.
        Assert.Equal(ConversationAccess.Owned, await store.DeleteAsync("c-new", "alice", _test));
        await store.CompleteTurnAsync("c-new", "s2", new ChatTurn(TurnRole.Assistant, "late"), _test);
        Assert.Empty(await store.ListAsync("alice", _test));
        Assert.Null(await store.GetAsync("c-new", _test));
    }
}
