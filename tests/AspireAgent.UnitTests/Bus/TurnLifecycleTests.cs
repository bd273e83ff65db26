using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Bus.Turns;
using AspireAgent.Protocol;
using AspireAgent.UnitTests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Bus;

public sealed class TurnLifecycleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly IOptions<BusOptions> _bus = Options.Create(new BusOptions
    {
        RequestQueueCapacity = 2,
        TurnStartTimeout = TimeSpan.FromSeconds(30),
        AnswerQuotaLifetime = TimeSpan.FromMinutes(15),
    });

    private readonly MemoryConversationStore _conversations;
    private readonly MemoryStreamStore _streams;
    private readonly MemoryRequestQueue _requests;
    private readonly MemoryAnswerQuota _quota;
    private readonly TurnLifecycle _turns;

    public TurnLifecycleTests()
    {
        _conversations = new MemoryConversationStore(_bus, _time);
        _streams = new MemoryStreamStore(_bus, _time);
        _requests = new MemoryRequestQueue(_bus, TestMeters.Factory());
        _quota = new MemoryAnswerQuota(_bus, _time);
        _turns = TestTurns.Lifecycle(_conversations, _streams, _bus, _time, _requests, _quota);
    }

    private async Task<TurnAdmission> BeginAsync(string conversation, string stream, int limit = 8, string owner = "o")
    {
        await _conversations.ClaimAsync(conversation, owner, _ct);
        return await _turns.BeginAsync(
            new TurnStart { StreamId = stream, ConversationId = conversation, OwnerId = owner, UserMessageId = "u-" + stream, Content = "q" }, limit, _ct);
    }

    [Fact]
    public async Task A_turn_past_the_identity_quota_is_refused_with_nothing_created_or_queued()
    {
        Assert.Equal(TurnOutcome.Started, (await BeginAsync("c1", "s1", limit: 1)).Outcome);

        var refused = await BeginAsync("c2", "s2", limit: 1);

        Assert.Equal(TurnOutcome.QuotaExceeded, refused.Outcome);
        Assert.Null(await _streams.GetAsync("s2", _ct));
        Assert.Equal(1, _quota.CountOf("o"));
        // The conversation was not made busy by the refusal.
        Assert.NotNull(await _conversations.TryBeginTurnAsync("c2", "s3", new ChatTurn(TurnRole.User, "x"), _ct));
    }

    [Fact]
    public async Task Completing_the_turn_gives_the_quota_back_and_frees_the_conversation()
    {
        var started = await BeginAsync("c1", "s1", limit: 1);

        await _turns.CompleteAsync(started.Request!, "answer", _ct);

        Assert.Equal(0, _quota.CountOf("o"));
        Assert.Equal(TurnOutcome.Started, (await BeginAsync("c1", "s2", limit: 1)).Outcome);
    }

    [Fact]
    public async Task A_busy_conversation_is_refused_without_taking_quota()
    {
        await BeginAsync("c1", "s1");

        Assert.Equal(TurnOutcome.Busy, (await BeginAsync("c1", "s2")).Outcome);
        Assert.Equal(1, _quota.CountOf("o"));
        Assert.Null(await _streams.GetAsync("s2", _ct));
    }

    [Fact]
    public async Task A_turn_the_full_queue_refuses_ends_its_stream_through_a_fenced_producer_and_leaves_nothing_busy()
    {
        await BeginAsync("c1", "s1");
        await BeginAsync("c2", "s2");

        var refused = await BeginAsync("c3", "s3");

        Assert.Equal(TurnOutcome.Overloaded, refused.Outcome);
        var events = _streams.Snapshot("s3");
        Assert.Equal([MessageTypes.AssistantStart, MessageTypes.AssistantEnd], events.Select(e => e.Type));
        Assert.Equal(FinishReason.Error, ((AssistantEnd)events[^1]).FinishReason);
        Assert.Equal(2, _quota.CountOf("o"));
        Assert.NotNull(await _conversations.TryBeginTurnAsync("c3", "s4", new ChatTurn(TurnRole.User, "x"), _ct));
    }

    [Fact]
    public async Task A_turn_begun_but_never_submitted_is_taken_over_after_the_turn_start_timeout()
    {
        // A gateway that died between beginning the turn and submitting it.
        await _conversations.ClaimAsync("c1", "o", _ct);
        Assert.NotNull(await _conversations.TryBeginTurnAsync("c1", "orphan", new ChatTurn(TurnRole.User, "lost"), _ct));

        Assert.Equal(TurnOutcome.Busy, (await BeginAsync("c1", "s1")).Outcome);
        _time.Advance(TimeSpan.FromSeconds(30));
        var taken = await BeginAsync("c1", "s2");

        Assert.Equal(TurnOutcome.Started, taken.Outcome);
        // Submitted turns are confirmed: however long their answer takes, they are not taken over.
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TurnOutcome.Busy, (await BeginAsync("c1", "s3")).Outcome);
    }

    [Fact]
    public async Task A_quota_entry_lost_with_its_answer_expires()
    {
        Assert.True(await _quota.TryTakeAsync("o", "lost", 1, _ct));
        Assert.False(await _quota.TryTakeAsync("o", "next", 1, _ct));

        _time.Advance(TimeSpan.FromMinutes(15));

        Assert.True(await _quota.TryTakeAsync("o", "next", 1, _ct));
    }
}
