using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Protocol;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Bus;

/// <summary>
/// Expiry of the in-memory bus on a fake clock (the sweeper's work, without waiting). The rules it shares with
/// Redis are proven against both in the integration tests' contract suite (AspireAgent.IntegrationTests.Contract).
/// </summary>
public sealed class MemoryBusTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly IOptions<BusOptions> _options = Options.Create(new BusOptions
    {
        StreamRetention = TimeSpan.FromMinutes(10),
        ConversationRetention = TimeSpan.FromHours(1),
    });

    private static AssistantStart Start(string id) => new() { Id = "a", Timestamp = 0, ConversationId = "c", StreamId = id, Model = "m" };

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
    public async Task A_stream_in_progress_is_never_expired()
    {
        var store = await StoreWithStreamAsync("s");
        await store.AppendAsync("s", Start("s"), _ct);

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(0, store.RemoveExpired());
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
}
