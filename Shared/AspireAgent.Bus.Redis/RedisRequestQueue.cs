using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Requests on Redis streams read by the workers' consumer group, sharded over <see cref="RequestShards"/>:
/// each request goes to exactly one consumer and stays pending until that consumer completes it. A consumer
/// takes new requests when a gateway announces one (pub/sub) and, on the process's <see cref="ClaimSchedule"/>,
/// takes over requests whose holder stopped renewing them for <see cref="RedisBusOptions.ClaimTimeout"/> (XAUTOCLAIM).
/// </summary>
/// <remarks>
/// A consumer works on one lease at a time: its lease is renewed until it is completed, or until the
/// consumer asks for the next one or stops reading, whichever comes first. A lease given up that way is
/// taken over after the claim timeout, by any consumer.
/// </remarks>
internal sealed partial class RedisRequestQueue(
    RedisConnection redis,
    RequestAnnouncements announcements,
    RequestShards shards,
    ClaimSchedule claims,
    LeaseRegistry leases,
    IOptions<BusOptions> busOptions,
    IOptions<RedisBusOptions> options,
    TimeProvider time,
    ILogger<RedisRequestQueue> logger) : IRequestQueue
{
    private RedisKeys Keys => redis.Keys;

    private string Group => options.Value.ConsumerGroup;

    /// <summary>
    /// Into the conversation's home shard, or, when that one holds its share of the capacity, the next shard
    /// with room: the queue refuses only when every shard is full, so the configured total is what it bounds.
    /// </summary>
    public async ValueTask SubmitAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, RedisJsonContext.Default.ChatRequest);
        var capacity = busOptions.Value.RequestQueueCapacity;
        var home = shards.HomeOf(request.ConversationId);
        for (var i = 0; i < shards.Count; i++)
        {
            var shard = (home + i) % shards.Count;
            var share = shards.ShareOf(shard, capacity);
            if (share == 0)
            {
                continue;
            }

            var added = (long)await redis.Database.ScriptEvaluateAsync(
                QueueScripts.Submit, [shards[shard]], [Group, share, payload, Keys.RequestsAnnounced.ToString()])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (added == 1)
            {
                return;
            }
        }

        throw new BusOverloadedException($"The request queue is full ({capacity} waiting); try again shortly.");
    }

    public async IAsyncEnumerable<RequestLease> ReadAsync(
        string consumer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await announcements.EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        RedisRequestLease? current = null;
        // Each consumer goes round the shards from its own random start, so they do not all drain shard 0 first.
        var next = Random.Shared.Next(shards.Count);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var announced = announcements.Next;
                var rearmed = claims.Rearmed;
                RedisRequestLease? lease = null;
                if (claims.TryBegin())
                {
                    try
                    {
                        lease = await ClaimAbandonedAsync(consumer, next).ConfigureAwait(false);
                    }
                    finally
                    {
                        claims.End(found: lease is not null);
                    }
                }

                lease ??= await ReadNewAsync(consumer, next).ConfigureAwait(false);
                if (lease is null)
                {
                    await WaitAsync(Task.WhenAny(announced, rearmed), claims.UntilDue, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                next = (lease.Shard + 1) % shards.Count;
                leases.Remove(current);
                current = lease;
                leases.Add(lease);
                yield return lease;
                leases.Remove(lease);
            }
        }
        finally
        {
            leases.Remove(current);
        }
    }

    internal async ValueTask CompleteAsync(RedisRequestLease lease, CancellationToken cancellationToken)
    {
        leases.Remove(lease);
        long outcome;
        try
        {
            outcome = (long)await redis.Database.ScriptEvaluateAsync(
                QueueScripts.Complete, [shards[lease.Shard]], [Group, lease.EntryId, lease.Consumer])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (IsNoGroup(exception))
        {
            // Redis lost its data (restarted without persistence): there is nothing left to acknowledge.
            LogRequestLost(lease.Request.StreamId);
            return;
        }

        if (outcome < 0)
        {
            LogCompletedByOther(lease.Request.StreamId, lease.Consumer);
        }
    }

    private Task<RedisRequestLease?> ClaimAbandonedAsync(string consumer, int first) =>
        FirstInShardsAsync(first, shard => ClaimAbandonedInShardAsync(consumer, shard));

    // Round the shards from `first`; the first shard that yields a lease ends the round.
    private async Task<RedisRequestLease?> FirstInShardsAsync(int first, Func<int, Task<RedisRequestLease?>> take)
    {
        for (var i = 0; i < shards.Count; i++)
        {
            if (await take((first + i) % shards.Count).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }
        }

        return null;
    }

    // XAUTOCLAIM looks at no more than ten pending entries per call, so the cursor is followed through the
    // whole pending list: an abandoned request behind ten live ones is still found.
    private async Task<RedisRequestLease?> ClaimAbandonedInShardAsync(string consumer, int shard)
    {
        var cursor = (RedisValue)"0-0";
        do
        {
            StreamAutoClaimResult claimed;
            try
            {
                claimed = await redis.Database.StreamAutoClaimAsync(
                    shards[shard], Group, consumer, (long)options.Value.ClaimTimeout.TotalMilliseconds, cursor, count: 1).ConfigureAwait(false);
            }
            catch (RedisServerException exception) when (IsNoGroup(exception))
            {
                await EnsureGroupAsync(shard).ConfigureAwait(false);
                return null;
            }

            foreach (var entry in claimed.ClaimedEntries)
            {
                if (await ToLeaseAsync(entry, shard, consumer).ConfigureAwait(false) is { } lease)
                {
                    LogTookOver(lease.Request.StreamId, consumer);
                    return lease;
                }
            }

            cursor = claimed.NextStartId;
        }
        while (cursor != "0-0");

        return null;
    }

    private Task<RedisRequestLease?> ReadNewAsync(string consumer, int first) =>
        FirstInShardsAsync(first, shard => ReadNewInShardAsync(consumer, shard));

    private async Task<RedisRequestLease?> ReadNewInShardAsync(string consumer, int shard)
    {
        StreamEntry[] entries;
        try
        {
            entries = await redis.Database.StreamReadGroupAsync(shards[shard], Group, consumer, ">", count: 1).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (IsNoGroup(exception))
        {
            await EnsureGroupAsync(shard).ConfigureAwait(false);
            entries = await redis.Database.StreamReadGroupAsync(shards[shard], Group, consumer, ">", count: 1).ConfigureAwait(false);
        }

        foreach (var entry in entries)
        {
            if (await ToLeaseAsync(entry, shard, consumer).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }
        }

        return null;
    }

    private async Task<RedisRequestLease?> ToLeaseAsync(StreamEntry entry, int shard, string consumer)
    {
        ChatRequest? request = null;
        try
        {
            var payload = entry["r"];
            request = payload.IsNull ? null : JsonSerializer.Deserialize((byte[])payload!, RedisJsonContext.Default.ChatRequest);
        }
        catch (JsonException exception)
        {
            LogUnreadable(exception, entry.Id.ToString());
        }

        var lease = request is null ? null : new RedisRequestLease(request, shard, shards[shard], entry.Id, consumer, this);
        if (lease is null)
        {
            // Nobody can ever answer it: dropping it keeps it from being handed round forever.
            await redis.Database.ScriptEvaluateAsync(QueueScripts.Complete, [shards[shard]], [Group, entry.Id, consumer]).ConfigureAwait(false);
        }

        return lease;
    }

    // Created at 0, not $: requests submitted while the group did not exist (first start, or after Redis lost
    // its data) are still delivered.
    private async Task EnsureGroupAsync(int shard)
    {
        try
        {
            await redis.Database.StreamCreateConsumerGroupAsync(shards[shard], Group, "0", createStream: true).ConfigureAwait(false);
            LogGroupCreated(Group, shard);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    private async Task WaitAsync(Task announced, TimeSpan limit, CancellationToken cancellationToken)
    {
        if (limit <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await announced.WaitAsync(limit, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Time for this process's next look for abandoned requests.
        }
    }

    private static bool IsNoGroup(RedisServerException exception) =>
        exception.Message.Contains("NOGROUP", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created consumer group {Group} on request shard {Shard}")]
    private partial void LogGroupCreated(string group, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} took over the request of stream {StreamId}: its worker stopped renewing it")]
    private partial void LogTookOver(string streamId, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "The request of stream {StreamId} was taken over from {Consumer}; its new holder completes it")]
    private partial void LogCompletedByOther(string streamId, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The request of stream {StreamId} is no longer in Redis (did Redis lose its data?)")]
    private partial void LogRequestLost(string streamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped request entry {EntryId}: it cannot be read")]
    private partial void LogUnreadable(Exception exception, string entryId);
}
