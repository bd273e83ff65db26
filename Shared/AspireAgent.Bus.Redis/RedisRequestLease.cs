using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>A request held by one consumer of the group, identified by its entry id in its shard of the request queue.</summary>
internal sealed class RedisRequestLease(
    ChatRequest request, RedisKey shardKey, RedisValue entryId, string consumer, RedisRequestQueue queue) : RequestLease
{
    public override ChatRequest Request => request;

    /// <summary>The key of the request queue's shard holding the request (see <see cref="RequestShards"/>).</summary>
    public RedisKey ShardKey => shardKey;

    public RedisValue EntryId => entryId;

    public string Consumer => consumer;

    /// <summary>Acknowledges the request, unless another consumer took it over since (then that one will).</summary>
    public override ValueTask CompleteAsync(CancellationToken cancellationToken) => queue.CompleteAsync(this, cancellationToken);
}
