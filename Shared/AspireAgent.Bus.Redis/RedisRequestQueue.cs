using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Requests on Redis streams read by the workers' consumer group, sharded over <see cref="RequestShards"/>:
/// each request goes to exactly one consumer and stays pending until that consumer completes it. A consumer
/// takes new requests from the shard a gateway announced (pub/sub, <see cref="RequestAnnouncements"/>) and, on
/// the process's <see cref="ClaimSchedule"/>, takes over requests whose holder stopped renewing them for
/// <see cref="RedisBusOptions.ClaimTimeout"/> (XAUTOCLAIM). Consumers read the shards of every shard count in use
/// (<see cref="RequestQueueLayouts"/>).
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
    RequestQueueLayouts layouts,
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
        await layouts.RecordAsync().ConfigureAwait(false);
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

            var added = (long)await QueueScripts.Submit.EvaluateAsync(redis.Database, [shards[shard]], [Group, share, payload, Keys.RequestsAnnounced.ToString()])
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
        await layouts.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        RedisRequestLease? current = null;
        // Each consumer goes round the shards from its own random start, so they do not all drain shard 0 first.
        var next = Random.Shared.Next(layouts.Keys.Count);
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
                        await layouts.RefreshAsync().ConfigureAwait(false);
                        lease = await ClaimAbandonedAsync(consumer, next).ConfigureAwait(false);
                    }
                    finally
                    {
                        claims.End(found: lease is not null);
                    }

                    // The round also looks at every shard for new requests, in case an announcement was lost.
                    announcements.MarkEverywhere();
                }

                var work = AnnouncedWork.Nowhere;
                if (lease is null)
                {
                    work = announcements.Take();
                    lease = await ReadNewAsync(consumer, work, next).ConfigureAwait(false);
                }

                if (lease is null)
                {
                    if (work.IsNowhere)
                    {
                        await WaitAsync(Task.WhenAny(announced, rearmed), claims.UntilDue, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                next = layouts.IndexOf(lease.ShardKey) + 1;
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
            outcome = (long)await QueueScripts.Complete.EvaluateAsync(redis.Database, [lease.ShardKey], [Group, lease.EntryId, lease.Consumer])
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
    private async Task<RedisRequestLease?> FirstInShardsAsync(int first, Func<RedisKey, Task<RedisRequestLease?>> take)
    {
        var keys = layouts.Keys;
        for (var i = 0; i < keys.Count; i++)
        {
            if (await take(keys[(first + i) % keys.Count]).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }
        }

        return null;
    }

    // XAUTOCLAIM looks at no more than ten pending entries per call, so the cursor is followed through the
    // whole pending list: an abandoned request behind ten live ones is still found.
    private async Task<RedisRequestLease?> ClaimAbandonedInShardAsync(string consumer, RedisKey shard)
    {
        var cursor = (RedisValue)"0-0";
        do
        {
            StreamAutoClaimResult claimed;
            try
            {
                claimed = await redis.Database.StreamAutoClaimAsync(
                    shard, Group, consumer, (long)options.Value.ClaimTimeout.TotalMilliseconds, cursor, count: 1).ConfigureAwait(false);
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

    // A request found marks where it was found again: more may wait there (see RequestAnnouncements).
    private async Task<RedisRequestLease?> ReadNewAsync(string consumer, AnnouncedWork work, int first)
    {
        if (work.IsEverywhere)
        {
            var found = await FirstInShardsAsync(first, shard => ReadNewInShardAsync(consumer, shard)).ConfigureAwait(false);
            if (found is not null)
            {
                announcements.MarkEverywhere();
            }

            return found;
        }

        if (work.Shard is not { } shard)
        {
            return null;
        }

        var lease = await ReadNewInShardAsync(consumer, shard).ConfigureAwait(false);
        if (lease is not null)
        {
            announcements.Mark(shard);
        }

        return lease;
    }

    private async Task<RedisRequestLease?> ReadNewInShardAsync(string consumer, RedisKey shard)
    {
        StreamEntry[] entries;
        try
        {
            entries = await redis.Database.StreamReadGroupAsync(shard, Group, consumer, ">", count: 1).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (IsNoGroup(exception))
        {
            await EnsureGroupAsync(shard).ConfigureAwait(false);
            entries = await redis.Database.StreamReadGroupAsync(shard, Group, consumer, ">", count: 1).ConfigureAwait(false);
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

    private async Task<RedisRequestLease?> ToLeaseAsync(StreamEntry entry, RedisKey shard, string consumer)
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

        var lease = request is null ? null : new RedisRequestLease(request, shard, entry.Id, consumer, this);
        if (lease is null)
        {
            // Nobody can ever answer it: dropping it keeps it from being handed round forever.
            await QueueScripts.Complete.EvaluateAsync(redis.Database, [shard], [Group, entry.Id, consumer]).ConfigureAwait(false);
        }

        return lease;
    }

    // Created at 0, not $: requests submitted while the group did not exist (first start, or after Redis lost
    // its data) are still delivered.
    private async Task EnsureGroupAsync(RedisKey shard)
    {
        try
        {
            await redis.Database.StreamCreateConsumerGroupAsync(shard, Group, "0", createStream: true).ConfigureAwait(false);
            LogGroupCreated(Group, shard.ToString());
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
    private partial void LogGroupCreated(string group, string shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} took over the request of stream {StreamId}: its worker stopped renewing it")]
    private partial void LogTookOver(string streamId, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "The request of stream {StreamId} was taken over from {Consumer}; its new holder completes it")]
    private partial void LogCompletedByOther(string streamId, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The request of stream {StreamId} is no longer in Redis (did Redis lose its data?)")]
    private partial void LogRequestLost(string streamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped request entry {EntryId}: it cannot be read")]
    private partial void LogUnreadable(Exception exception, string entryId);
}
