using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Every key and channel of the bus. Keys of one stream or one conversation share a hash tag (<c>{…}</c>),
/// so that the scripts touching several of them stay valid on a Redis Cluster.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>The request stream the workers' consumer group reads.</summary>
    public RedisKey Requests { get; } = prefix + "requests";

    /// <summary>Announces new requests, so idle consumers wake without polling.</summary>
    public RedisChannel RequestsAnnounced { get; } = RedisChannel.Literal(prefix + "requests:new");

    public RedisKey DataProtectionKeys { get; } = prefix + "dataprotection:keys";

    /// <summary>A hash: owner, conversation, timestamps, producer epoch, position, acknowledged seq, interrupt.</summary>
    public RedisKey StreamMeta(string streamId) => $"{prefix}{{s:{streamId}}}:meta";

    /// <summary>The Redis stream of the answer's events.</summary>
    public RedisKey StreamEvents(string streamId) => $"{prefix}{{s:{streamId}}}:events";

    /// <summary>Each appended event, published for live readers.</summary>
    public RedisChannel StreamLive(string streamId) => RedisChannel.Literal($"{prefix}{{s:{streamId}}}:live");

    /// <summary>Acknowledgements and interrupts, published for the stream's producer.</summary>
    public RedisChannel StreamSignals(string streamId) => RedisChannel.Literal($"{prefix}{{s:{streamId}}}:signals");

    /// <summary>A sorted set: the owner's answers in flight and queued, scored by their expiry (ms).</summary>
    public RedisKey OwnerAnswers(string ownerId) => $"{prefix}{{o:{ownerId}}}:answers";

    public RedisKey ConversationMeta(string conversationId) => $"{prefix}{{c:{conversationId}}}:meta";

    public RedisKey ConversationTurns(string conversationId) => $"{prefix}{{c:{conversationId}}}:turns";

    /// <summary>A sorted set of an owner's conversation ids, scored by last activity (Unix ms).</summary>
    public RedisKey OwnerConversations(string ownerId) => $"{prefix}{{o:{ownerId}}}:conversations";
}
