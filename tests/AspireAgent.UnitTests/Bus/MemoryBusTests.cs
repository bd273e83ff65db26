using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Protocol;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Bus;

public sealed class MemoryBusTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly IOptions<BusOptions> _options = Options.Create(new BusOptions
    {
        StreamRetention = TimeSpan.FromMinutes(10),
        ConversationRetention = TimeSpan.FromHours(1),
        MaxChunksPerStream = 3,
        MaxHistoryTurns = 3,
    });

    private static AssistantStart Start(string id) => new() { Id = "a", Timestamp = 0, ConversationId = "c", StreamId = id, Model = "m" };

    private static AssistantChunk Chunk(string id, long seq) => new() { Id = $"k{seq}", Timestamp = 0, StreamId = id, Seq = seq, Delta = $"{seq}" };

    private static AssistantEnd End(string id) => new() { Id = "e", Timestamp = 0, StreamId = id, FullContent = "", Usage = new Usage(), FinishReason = FinishReason.Stop };

    private async Task<MemoryStreamStore> StoreWithStreamAsync(string id)
    {
        var store = new MemoryStreamStore(_options, _time);
        await store.CreateAsync(new StreamInfo { StreamId = id, ConversationId = "c", OwnerId = "o", CreatedAt = _time.GetUtcNow() }, _ct);
        return store;
    }

    [Fact]
    public async Task A_finished_stream_is_kept_for_its_retention_then_removed()
    {
        var store = await StoreWithStreamAsync("s");
        await store.AppendAsync("s", Start("s"), _ct);
        await store.AppendAsync("s", End("s"), _ct);

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.Equal(0, store.RemoveExpired());
        Assert.NotNull(await store.GetAsync("s", _ct));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, store.RemoveExpired());
        Assert.Null(await store.GetAsync("s", _ct));
        await Assert.ThrowsAsync<StreamNotFoundException>(async () =>
        {
            await foreach (var _ in store.ReadAsync("s", StreamPosition.Beginning, _ct))
            {
            }
        });
    }

    [Fact]
    public async Task The_log_refuses_a_chunk_that_would_pass_the_byte_limit()
    {
        var store = new MemoryStreamStore(Options.Create(new BusOptions { MaxBytesPerStream = 1024 }), _time);
        await store.CreateAsync(new StreamInfo { StreamId = "s", ConversationId = "c", OwnerId = "o", CreatedAt = _time.GetUtcNow() }, _ct);
        await store.AppendAsync("s", Start("s"), _ct);
        await store.AppendAsync("s", Chunk("s", 0) with { Delta = new string('é', 500) }, _ct);

        // 1,000 bytes held ('é' is two bytes in UTF-8): 25 more would pass 1,024, 24 fit.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.AppendAsync("s", Chunk("s", 1) with { Delta = new string('x', 25) }, _ct));
        await store.AppendAsync("s", Chunk("s", 1) with { Delta = new string('x', 24) }, _ct);
    }

    [Fact]
    public async Task A_stream_in_progress_is_never_expired()
    {
        var store = await StoreWithStreamAsync("s");
        await store.AppendAsync("s", Start("s"), _ct);

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(0, store.RemoveExpired());
    }

    [Fact]
    public async Task The_log_enforces_start_first_contiguous_seq_the_chunk_limit_and_nothing_after_the_end()
    {
        var store = await StoreWithStreamAsync("s");
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync("s", Chunk("s", 0), _ct).AsTask());
        await store.AppendAsync("s", Start("s"), _ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync("s", Chunk("s", 1), _ct).AsTask());
        for (var seq = 0; seq < 3; seq++)
        {
            await store.AppendAsync("s", Chunk("s", seq), _ct);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync("s", Chunk("s", 3), _ct).AsTask());
        await store.AppendAsync("s", End("s"), _ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync("s", End("s"), _ct).AsTask());
    }

    [Fact]
    public async Task A_reader_replays_after_a_seq_then_follows_live_until_the_end()
    {
        var store = await StoreWithStreamAsync("s");
        await store.AppendAsync("s", Start("s"), _ct);
        await store.AppendAsync("s", Chunk("s", 0), _ct);
        await store.AppendAsync("s", Chunk("s", 1), _ct);

        var read = new List<AgentMessage>();
        var reading = Task.Run(async () =>
        {
            await foreach (var message in store.ReadAsync("s", StreamPosition.AfterChunk(0), _ct))
            {
                read.Add(message);
            }
        }, _ct);
        await store.AppendAsync("s", Chunk("s", 2), _ct);
        await store.AppendAsync("s", End("s"), _ct);
        await reading.WaitAsync(TimeSpan.FromSeconds(5), _ct);

        Assert.Equal(["k1", "k2", "e"], read.Select(m => m.Id));
    }

    [Fact]
    public async Task A_conversation_has_one_owner_one_answer_at_a_time_and_a_bounded_history()
    {
        var conversations = new MemoryConversationStore(_options, _time);

        Assert.Equal(ConversationAccess.Created, await conversations.ClaimAsync("c", "alice", _ct));
        Assert.Equal(ConversationAccess.Owned, await conversations.ClaimAsync("c", "alice", _ct));
        Assert.Equal(ConversationAccess.Forbidden, await conversations.ClaimAsync("c", "mallory", _ct));

        Assert.NotNull(await conversations.TryBeginTurnAsync("c", "s1", new ChatTurn(TurnRole.User, "q1"), _ct));
        Assert.Null(await conversations.TryBeginTurnAsync("c", "s2", new ChatTurn(TurnRole.User, "too early"), _ct));
        await conversations.CompleteTurnAsync("c", "s1", new ChatTurn(TurnRole.Assistant, "a1"), _ct);
        var history = await conversations.TryBeginTurnAsync("c", "s3", new ChatTurn(TurnRole.User, "q2"), _ct);

        Assert.Equal(["q1", "a1", "q2"], history!.Select(t => t.Content));
        await conversations.CompleteTurnAsync("c", "s3", new ChatTurn(TurnRole.Assistant, "a2"), _ct);
        var bounded = await conversations.TryBeginTurnAsync("c", "s4", new ChatTurn(TurnRole.User, "q3"), _ct);
        Assert.Equal(["q2", "a2", "q3"], bounded!.Select(t => t.Content));
    }

    [Fact]
    public async Task An_idle_conversation_expires_after_its_retention_but_not_while_answering()
    {
        var conversations = new MemoryConversationStore(_options, _time);
        await conversations.ClaimAsync("idle", "alice", _ct);
        await conversations.ClaimAsync("busy", "alice", _ct);
        await conversations.TryBeginTurnAsync("busy", "s", new ChatTurn(TurnRole.User, "q"), _ct);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1, conversations.RemoveExpired());
        Assert.Equal(ConversationAccess.Created, await conversations.ClaimAsync("idle", "mallory", _ct));
        Assert.Equal(ConversationAccess.Forbidden, await conversations.ClaimAsync("busy", "mallory", _ct));
    }

    [Fact]
    public async Task Signals_give_credit_a_window_ahead_of_the_last_acknowledgement_and_remember_an_early_interrupt()
    {
        var signals = new MemoryStreamSignals(_time);
        await signals.InterruptAsync("early", _ct);
        await using (var early = await signals.WatchAsync("early", _ct))
        {
            Assert.True(early.Interrupted.IsCancellationRequested);
        }

        await using var watch = await signals.WatchAsync("s", _ct);
        Assert.True(watch.WaitForCreditAsync(1, window: 2, _ct).IsCompletedSuccessfully);
        var waiting = watch.WaitForCreditAsync(2, window: 2, _ct).AsTask();
        Assert.False(waiting.IsCompleted);

        await signals.AcknowledgeAsync("s", 0, _ct);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5), _ct);
        await signals.AcknowledgeAsync("s", -1, _ct); // late and stale: ignored
        Assert.Equal(0, watch.Acknowledged);
    }
}
