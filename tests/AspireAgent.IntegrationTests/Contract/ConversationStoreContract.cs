using AspireAgent.Bus;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Contract;

/// <summary>
/// Conversations on every implementation: one owner, one answer at a time (taken over only when never
/// confirmed), a bounded history, and listing, reading and deleting by their owner alone.
/// </summary>
public abstract class ConversationStoreContract(BusTarget target)
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_conversation_belongs_to_its_first_identity_on_every_node()
    {
        await using var nodes = await target.StartAsync(2);
        var id = NewId("c");

        Assert.Equal(ConversationAccess.Created, await nodes[0].Conversations.ClaimAsync(id, "alice", _test));
        Assert.Equal(ConversationAccess.Owned, await nodes[1].Conversations.ClaimAsync(id, "alice", _test));
        Assert.Equal(ConversationAccess.Forbidden, await nodes[1].Conversations.ClaimAsync(id, "mallory", _test));
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await nodes[0].Conversations.TryBeginTurnAsync(NewId("never-claimed"), "s1", User("hi"), _test));
    }

    [Fact]
    public async Task Two_nodes_cannot_start_two_answers_at_once_and_the_history_is_bounded()
    {
        await using var nodes = await target.StartAsync(2, new Dictionary<string, string?> { ["Bus:MaxHistoryTurns"] = "3" });
        var (a, b) = (nodes[0].Conversations, nodes[1].Conversations);
        var id = NewId("c");
        await a.ClaimAsync(id, "alice", _test);

        var begun = await Task.WhenAll(
            a.TryBeginTurnAsync(id, "s1", User("one"), _test).AsTask(),
            b.TryBeginTurnAsync(id, "s2", User("one bis"), _test).AsTask());
        Assert.Single(begun, history => history is not null);
        var winner = begun[0] is not null ? "s1" : "s2";

        // Another stream's completion does not end the answer in progress.
        await b.CompleteTurnAsync(id, "s-other", new ChatTurn(TurnRole.Assistant, "ignored"), _test);
        Assert.Null(await a.TryBeginTurnAsync(id, "s3", User("too early"), _test));
        await b.CompleteTurnAsync(id, winner, new ChatTurn(TurnRole.Assistant, "answer one"), _test);
        var history = await a.TryBeginTurnAsync(id, "s4", User("two"), _test);

        Assert.Equal(
            [User(begun[0] is not null ? "one" : "one bis"), new ChatTurn(TurnRole.Assistant, "answer one"), User("two")],
            history!.Select(turn => turn with { StreamId = null }));
        await a.CompleteTurnAsync(id, "s4", new ChatTurn(TurnRole.Assistant, "answer two"), _test);
        var bounded = await b.TryBeginTurnAsync(id, "s5", User("three"), _test);
        Assert.Equal(["two", "answer two", "three"], bounded!.Select(t => t.Content));
    }

    [Fact]
    public async Task A_turn_never_confirmed_is_taken_over_after_the_start_timeout_and_a_confirmed_one_is_not()
    {
        await using var nodes = await target.StartAsync(2, new Dictionary<string, string?> { ["Bus:TurnStartTimeout"] = "00:00:01" });
        var (a, b) = (nodes[0].Conversations, nodes[1].Conversations);
        var (orphaned, confirmed) = (NewId("c"), NewId("c"));
        await a.ClaimAsync(orphaned, "alice", _test);
        await a.ClaimAsync(confirmed, "alice", _test);
        Assert.NotNull(await a.TryBeginTurnAsync(orphaned, "s-dead", User("lost"), _test));
        Assert.NotNull(await a.TryBeginTurnAsync(confirmed, "s-live", User("kept"), _test));
        await a.ConfirmTurnAsync(confirmed, "s-live", _test);
        Assert.Null(await b.TryBeginTurnAsync(orphaned, "s-new", User("too early"), _test));

        await Task.Delay(TimeSpan.FromSeconds(1.2), _test);

        var takenOver = await b.TryBeginTurnAsync(orphaned, "s-new", User("again"), _test);
        Assert.NotNull(takenOver);
        Assert.Equal("again", takenOver[^1].Content);
        Assert.Equal("s-new", (await b.GetAsync(orphaned, _test))!.ActiveStreamId);
        Assert.Null(await b.TryBeginTurnAsync(confirmed, "s-thief", User("steal"), _test));
    }

    [Fact]
    public async Task An_owner_lists_reads_and_deletes_only_their_own_conversations()
    {
        await using var nodes = await target.StartAsync(1);
        var store = nodes[0].Conversations;
        var (alice, bob) = (NewId("alice"), NewId("bob"));
        var (old, recent, bobs) = (NewId("c-old"), NewId("c-new"), NewId("c-bob"));

        await store.ClaimAsync(old, alice, _test);
        await store.TryBeginTurnAsync(old, "s1", User("  First question\nwith a second line"), _test);
        await store.CompleteTurnAsync(old, "s1", new ChatTurn(TurnRole.Assistant, "# Answer\n- one"), _test);
        await Task.Delay(5, _test); // distinct last-activity milliseconds
        await store.ClaimAsync(recent, alice, _test);
        await store.TryBeginTurnAsync(recent, "s2", User(new string('x', 200)), _test);
        await store.ClaimAsync(bobs, bob, _test);
        await store.TryBeginTurnAsync(bobs, "s3", User("bob's secret"), _test);

        var listed = await store.ListAsync(alice, _test);
        Assert.Equal([recent, old], listed.Select(c => c.ConversationId));
        Assert.Equal(new string('x', ConversationSnapshot.TitleLength), listed[0].Title);
        Assert.Equal("s2", listed[0].ActiveStreamId);
        Assert.Equal("First question", listed[1].Title);
        Assert.Null(listed[1].ActiveStreamId);

        var read = await store.GetAsync(old, _test);
        Assert.NotNull(read);
        Assert.Equal(alice, read.OwnerId);
        Assert.Equal(
            [User("  First question\nwith a second line") with { StreamId = "s1" }, new ChatTurn(TurnRole.Assistant, "# Answer\n- one") { StreamId = "s1" }],
            read.Turns);
        Assert.Equal("s2", (await store.GetAsync(recent, _test))!.ActiveStreamId);

        Assert.Equal(ConversationAccess.Forbidden, await store.DeleteAsync(old, bob, _test));
        Assert.NotNull(await store.GetAsync(old, _test));
        Assert.Equal(ConversationAccess.Owned, await store.DeleteAsync(old, alice, _test));
        Assert.Null(await store.GetAsync(old, _test));
        Assert.Null(await store.DeleteAsync(old, alice, _test));
        Assert.Equal([recent], (await store.ListAsync(alice, _test)).Select(c => c.ConversationId));
        Assert.Equal([bobs], (await store.ListAsync(bob, _test)).Select(c => c.ConversationId));

        // An answer still finishing into a deleted conversation does not bring it back.
        Assert.Equal(ConversationAccess.Owned, await store.DeleteAsync(recent, alice, _test));
        await store.CompleteTurnAsync(recent, "s2", new ChatTurn(TurnRole.Assistant, "late"), _test);
        Assert.Empty(await store.ListAsync(alice, _test));
        Assert.Null(await store.GetAsync(recent, _test));
    }

    private static ChatTurn User(string content) => new(TurnRole.User, content);

    private static string NewId(string prefix) => $"{prefix}-{MessageIds.New()}";
}
