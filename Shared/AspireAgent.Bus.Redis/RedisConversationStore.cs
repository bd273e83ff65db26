using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Conversations in Redis, shared by every gateway and worker, dropped after
/// <see cref="BusOptions.ConversationRetention"/> without activity (a key expiry, refreshed on each turn).
/// Each owner has an index of their conversation ids, which listing prunes of the expired ones.
/// </summary>
internal sealed class RedisConversationStore(RedisConnection redis, IOptions<BusOptions> options, TimeProvider time) : IConversationStore
{
    /// <summary>Conversations a list returns at most, the most recently claimed first.</summary>
    private const int MaxListed = 200;

    public async ValueTask<ConversationAccess> ClaimAsync(string conversationId, string ownerId, CancellationToken cancellationToken)
    {
        var access = (string?)await ConversationScripts.Claim.EvaluateAsync(redis.Database, Keys(conversationId), [ownerId, RetentionMs])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var result = access switch
        {
            "created" => ConversationAccess.Created,
            "owned" => ConversationAccess.Owned,
            _ => ConversationAccess.Forbidden,
        };
        if (result != ConversationAccess.Forbidden)
        {
            await IndexAsync(conversationId, ownerId, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public async ValueTask<IReadOnlyList<ChatTurn>?> TryBeginTurnAsync(
        string conversationId, string streamId, ChatTurn userTurn, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            result = await ConversationScripts.BeginTurn.EvaluateAsync(redis.Database, Keys(conversationId), [
                    streamId, Encode(userTurn with { StreamId = streamId }), options.Value.MaxHistoryTurns, RetentionMs,
                    NowMs, (long)options.Value.TurnStartTimeout.TotalMilliseconds, ConversationSnapshot.TitleOf(userTurn.Content),
                ])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("UNCLAIMED", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Conversation '{conversationId}' was not claimed.", exception);
        }

        return result.IsNull ? null : ((RedisResult[])result!).Select(turn => Decode((string)turn!)).ToArray();
    }

    public async ValueTask ConfirmTurnAsync(string conversationId, string streamId, CancellationToken cancellationToken) =>
        await ConversationScripts.ConfirmTurn.EvaluateAsync(redis.Database, [redis.Keys.ConversationMeta(conversationId)], [streamId])
            .WaitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask CompleteTurnAsync(
        string conversationId, string streamId, ChatTurn? assistantTurn, CancellationToken cancellationToken) =>
        await ConversationScripts.CompleteTurn.EvaluateAsync(redis.Database, Keys(conversationId),
            [streamId, assistantTurn is null ? string.Empty : Encode(assistantTurn with { StreamId = streamId }), options.Value.MaxHistoryTurns,
                RetentionMs, NowMs])
            .WaitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<ConversationSummary>> ListAsync(string ownerId, CancellationToken cancellationToken)
    {
        var index = redis.Keys.OwnerConversations(ownerId);
        var ids = await redis.Database.SortedSetRangeByRankAsync(index, 0, MaxListed - 1, Order.Descending)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        // Issued without waiting for each other, so they share writes; not as a batch (see IndexAsync).
        var reads = ids.Select(id => redis.Database.HashGetAsync(
            redis.Keys.ConversationMeta(id!), ["owner", "title", "last", "active"])).ToArray();
        await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);

        List<ConversationSummary> summaries = [];
        List<RedisValue> gone = [];
        for (var i = 0; i < ids.Length; i++)
        {
            var meta = reads[i].Result;
            if (meta[0] != ownerId)
            {
                gone.Add(ids[i]); // expired or deleted elsewhere
                continue;
            }

            summaries.Add(new ConversationSummary(ids[i]!, meta[1].IsNull ? string.Empty : meta[1]!, Time(meta[2]), Active(meta[3])));
        }

        if (gone.Count > 0)
        {
            await redis.Database.SortedSetRemoveAsync(index, [.. gone]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return [.. summaries.OrderByDescending(s => s.LastActivity)];
    }

    public async ValueTask<ConversationSnapshot?> GetAsync(string conversationId, CancellationToken cancellationToken)
    {
        var result = await ConversationScripts.Read.EvaluateAsync(redis.Database, Keys(conversationId))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        var fields = (RedisResult[])result!;
        return new ConversationSnapshot(
            conversationId,
            (string)fields[0]!,
            (string)fields[1]!,
            Time((RedisValue)fields[2]),
            Active((RedisValue)fields[3]),
            [.. fields.Skip(4).Select(turn => Decode((string)turn!))]);
    }

    public async ValueTask<ConversationAccess?> DeleteAsync(string conversationId, string ownerId, CancellationToken cancellationToken)
    {
        var outcome = (string?)await ConversationScripts.Delete.EvaluateAsync(redis.Database, Keys(conversationId), [ownerId])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (outcome == "deleted")
        {
            await redis.Database.SortedSetRemoveAsync(redis.Keys.OwnerConversations(ownerId), conversationId)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcome switch
        {
            "deleted" => ConversationAccess.Owned,
            "forbidden" => ConversationAccess.Forbidden,
            _ => null,
        };
    }

    private long RetentionMs => (long)options.Value.ConversationRetention.TotalMilliseconds;

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    // A separate key (another hash slot), so not part of the claim script; the index only has to be a superset.
    // The three commands are issued without waiting for each other, so they share a write. Not as a batch: this
    // client's batches fail at once when a connection is down (a Redis restart), where a plain command waits in
    // the multiplexer's backlog until it is back, so a message sent just after a restart was refused.
    private async ValueTask IndexAsync(string conversationId, string ownerId, CancellationToken cancellationToken)
    {
        var index = redis.Keys.OwnerConversations(ownerId);
        var database = redis.Database;
        var add = database.SortedSetAddAsync(index, conversationId, NowMs);
        var prune = database.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, NowMs - (2 * RetentionMs));
        var expire = database.KeyExpireAsync(index, TimeSpan.FromMilliseconds(2 * RetentionMs));
        await Task.WhenAll(add, prune, expire).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private RedisKey[] Keys(string conversationId) =>
        [redis.Keys.ConversationMeta(conversationId), redis.Keys.ConversationTurns(conversationId)];

    private static DateTimeOffset Time(RedisValue ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms.TryParse(out long value) ? value : 0);

    private static string? Active(RedisValue active) => active.IsNullOrEmpty ? null : (string?)active;

    // One letter for the role, then the text: compact, and a turn's text may contain anything. Upper case: the
    // stream id follows, up to a newline (stream ids have none); lower case is the older form without one.
    private static string Encode(ChatTurn turn) =>
        turn.StreamId is null
            ? (turn.Role == TurnRole.User ? "u" : "a") + turn.Content
            : (turn.Role == TurnRole.User ? "U" : "A") + turn.StreamId + "\n" + turn.Content;

    private static ChatTurn Decode(string turn)
    {
        var role = char.ToLowerInvariant(turn[0]) == 'u' ? TurnRole.User : TurnRole.Assistant;
        if (char.IsLower(turn[0]))
        {
            return new ChatTurn(role, turn[1..]);
        }

        var newline = turn.IndexOf('\n', StringComparison.Ordinal);
        return new ChatTurn(role, turn[(newline + 1)..]) { StreamId = turn[1..newline] };
    }
}
