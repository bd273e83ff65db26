using System.Runtime.CompilerServices;
using AspireAgent.Protocol;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Reads a stream from any position, then follows it live. Live events come by pub/sub, in the same
/// notification that the append script publishes (one hop, no polling; one notification per batch of
/// appended events), through this node's channel (<see cref="NodeFeed"/>), or on a Redis Cluster the stream's
/// own; the Redis stream is the durable log that fills any gap, read up to
/// <see cref="RedisBusOptions.ReadBatchSize"/> events per round trip. The reader subscribes first and reads the log second, so nothing published in
/// between is lost; it then takes a notification only when its id follows the last event delivered, and
/// otherwise catches up from the log: never a gap, never a duplicate.
/// </summary>
internal sealed class RedisStreamReader(
    RedisConnection redis, NodeFeed node, OutageGuard outage, IOptions<RedisBusOptions> options, TimeProvider time)
{
    public async IAsyncEnumerable<AgentMessage> ReadAsync(
        string streamId, StreamPosition from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var feed = await outage.RunAsync(
            async () => await redis.IsClusterAsync().ConfigureAwait(false)
                ? await LiveFeed.SubscribeAsync(
                    redis, redis.Keys.StreamLive(streamId), settings.ReaderBufferCapacity, settings.ReaderCatchUpInterval, time).ConfigureAwait(false)
                : await node.FollowAsync(streamId, settings.ReaderBufferCapacity, settings.ReaderCatchUpInterval, time).ConfigureAwait(false),
            "subscribing to a stream", cancellationToken).ConfigureAwait(false);
        var cursor = StreamEventId.From(from);
        var batch = new List<(StreamEventId Id, AgentMessage Message)>(settings.ReadBatchSize);
        while (true)
        {
            batch.Clear();
            await ReadLogAsync(streamId, cursor, batch, cancellationToken).ConfigureAwait(false);
            foreach (var (id, message) in batch)
            {
                cursor = id;
                yield return message;
                if (message is AssistantEnd)
                {
                    yield break;
                }
            }

            if (batch.Count == settings.ReadBatchSize)
            {
                continue;
            }

            // Live until something may have been missed: a gap, an overflow, a reconnection, or a long silence.
            // Each notification carries its events, so a relay in step with the producer reads nothing.
            while (true)
            {
                var item = await feed.NextAsync(cancellationToken).ConfigureAwait(false);
                batch.Clear();
                if (item.IsCatchUp || !EventCodec.TryDecodeNotification(item.Payload, batch))
                {
                    break;
                }

                var gap = false;
                foreach (var (id, message) in batch)
                {
                    if (id <= cursor)
                    {
                        continue;
                    }

                    if (!id.Follows(cursor))
                    {
                        gap = true;
                        break;
                    }

                    cursor = id;
                    yield return message;
                    if (message is AssistantEnd)
                    {
                        yield break;
                    }
                }

                if (gap)
                {
                    break;
                }
            }
        }
    }

    private async Task ReadLogAsync(
        string streamId, StreamEventId after, List<(StreamEventId, AgentMessage)> into, CancellationToken cancellationToken)
    {
        var result = await outage.RunAsync(
            () => StreamScripts.Read.EvaluateAsync(redis.Database, [redis.Keys.StreamMeta(streamId), redis.Keys.StreamEvents(streamId)],
                [after.ToString(), options.Value.ReadBatchSize]),
            "reading a stream", cancellationToken).ConfigureAwait(false);
        if (result.IsNull)
        {
            throw new StreamNotFoundException(streamId);
        }

        foreach (var entry in (RedisResult[])result!)
        {
            var parts = (RedisResult[])entry!;
            var fields = (RedisResult[])parts[1]!;
            into.Add((StreamEventId.Parse((string)parts[0]!), EventCodec.Decode((byte[])fields[1]!)));
        }
    }
}
