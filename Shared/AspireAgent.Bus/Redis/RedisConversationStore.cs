using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Conversations in Redis, shared by every gateway and worker, dropped after
/// <see cref="BusOptions.ConversationRetention"/> without activity (a key expiry, refreshed on each turn).
/// </summary>
internal sealed class RedisConversationStore(RedisConnection redis, IOptions<BusOptions> options, TimeProvider time) : IConversationStore
{
    public async ValueTask<ConversationAccess> ClaimAsync(string conversationId, string ownerId, CancellationToken cancellationToken)
    {
        var access = (string?)await redis.Database.ScriptEvaluateAsync(
            ConversationScripts.Claim, Keys(conversationId), [ownerId, RetentionMs])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return access switch
        {
            "created" => ConversationAccess.Created,
            "owned" => ConversationAccess.Owned,
            _ => ConversationAccess.Forbidden,
        };
    }

    public async ValueTask<IReadOnlyList<ChatTurn>?> TryBeginTurnAsync(
        string conversationId, string streamId, ChatTurn userTurn, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            result = await redis.Database.ScriptEvaluateAsync(
                ConversationScripts.BeginTurn, Keys(conversationId), [
                    streamId, Encode(userTurn), options.Value.MaxHistoryTurns, RetentionMs,
                    time.GetUtcNow().ToUnixTimeMilliseconds(), (long)options.Value.TurnStartTimeout.TotalMilliseconds,
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
        await redis.Database.ScriptEvaluateAsync(ConversationScripts.ConfirmTurn, [redis.Keys.ConversationMeta(conversationId)], [streamId])
            .WaitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask CompleteTurnAsync(
        string conversationId, string streamId, ChatTurn? assistantTurn, CancellationToken cancellationToken) =>
        await redis.Database.ScriptEvaluateAsync(
            ConversationScripts.CompleteTurn,
            Keys(conversationId),
            [streamId, assistantTurn is null ? string.Empty : Encode(assistantTurn), options.Value.MaxHistoryTurns, RetentionMs])
            .WaitAsync(cancellationToken).ConfigureAwait(false);

    private long RetentionMs => (long)options.Value.ConversationRetention.TotalMilliseconds;

    private RedisKey[] Keys(string conversationId) =>
        [redis.Keys.ConversationMeta(conversationId), redis.Keys.ConversationTurns(conversationId)];

    // One letter for the role, then the text: compact, and a turn's text may contain anything.
    private static string Encode(ChatTurn turn) => (turn.Role == TurnRole.User ? "u" : "a") + turn.Content;

    private static ChatTurn Decode(string turn) =>
        new(turn.StartsWith('u') ? TurnRole.User : TurnRole.Assistant, turn[1..]);
}
