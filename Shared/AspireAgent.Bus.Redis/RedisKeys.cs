using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Every key and channel of the bus. Keys of one stream or one conversation share a hash tag (<c>{…}</c>),
/// so that the scripts touching several of them stay valid on a Redis Cluster.
/// </summary>
internal sealed class RedisKeys(string prefix, bool sharded)
{
    public RedisKeys(RedisBusOptions options)
        : this(options.KeyPrefix, options.ShardedPubSub)
    {
    }

    /// <summary>
    /// The command the scripts publish a stream's channels with: sharded channels carry the stream's hash tag,
    /// so a script may publish on them from the shard that owns the stream's keys.
    /// </summary>
    public string StreamPublish { get; } = sharded ? "SPUBLISH" : "PUBLISH";

    /// <summary>
    /// Shard 0 of the request queue, the key of the single request stream from before the queue was sharded,
    /// so that requests left by an older version are still read.
    /// </summary>
    public RedisKey Requests { get; } = prefix + "requests";

    /// <summary>Shard 1 and up of the request queue: the hash tag places the shard (see <see cref="RequestShards"/>).</summary>
    public RedisKey RequestShard(string hashTag) => $"{prefix}{{{hashTag}}}:requests";

    /// <summary>
    /// A set: every shard count a process has used on this Redis (see <see cref="RequestQueueLayouts"/>), so that
    /// consumers also read the shards of a count no longer configured.
    /// </summary>
    public RedisKey RequestLayouts { get; } = prefix + "requests:layouts";

    /// <summary>
    /// Announces new requests, so idle consumers wake without polling. Not sharded: it hashes apart from the
    /// request stream its script writes, and carries one small message per request, not per chunk.
    /// </summary>
    public RedisChannel RequestsAnnounced { get; } = RedisChannel.Literal(prefix + "requests:new");

    public RedisKey DataProtectionKeys { get; } = prefix + "dataprotection:keys";

    /// <summary>A hash: owner, conversation, timestamps, producer epoch, position, acknowledged seq, interrupt.</summary>
    public RedisKey StreamMeta(string streamId) => $"{prefix}{{s:{streamId}}}:meta";

    /// <summary>The Redis stream of the answer's events.</summary>
    public RedisKey StreamEvents(string streamId) => $"{prefix}{{s:{streamId}}}:events";

    /// <summary>Each appended event, published for live readers.</summary>
    public RedisChannel StreamLive(string streamId) => StreamChannel(StreamLivePrefix + streamId + StreamLiveSuffix);

    /// <summary>What a stream's live channel is made of around its id: the append script builds it, rather than a name per call.</summary>
    public string StreamLivePrefix { get; } = prefix + "{s:";

    /// <inheritdoc cref="StreamLivePrefix"/>
    public string StreamLiveSuffix => "}:live";

    /// <summary>
    /// What the append script prefixes a node's id with to publish to it (see <see cref="NodeLive"/>): a plain
    /// channel, used only where Redis is not a cluster.
    /// </summary>
    public string NodeLivePrefix { get; } = prefix + "node:";

    /// <summary>The live events of every stream a gateway node follows, many streams' in one message (see <see cref="NodeFeed"/>).</summary>
    public RedisChannel NodeLive(string nodeId) => RedisChannel.Literal(NodeLivePrefix + nodeId);

    /// <summary>Acknowledgements and interrupts, published for the stream's producer.</summary>
    public RedisChannel StreamSignals(string streamId) => StreamChannel($"{prefix}{{s:{streamId}}}:signals");

    /// <summary>A sorted set: the owner's answers in flight and queued, scored by their expiry (ms).</summary>
    public RedisKey OwnerAnswers(string ownerId) => $"{prefix}{{o:{ownerId}}}:answers";

    public RedisKey ConversationMeta(string conversationId) => $"{prefix}{{c:{conversationId}}}:meta";

    public RedisKey ConversationTurns(string conversationId) => $"{prefix}{{c:{conversationId}}}:turns";

    /// <summary>A sorted set of an owner's conversation ids, scored by last activity (Unix ms).</summary>
    public RedisKey OwnerConversations(string ownerId) => $"{prefix}{{o:{ownerId}}}:conversations";

    private RedisChannel StreamChannel(string name) => sharded ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);
}
