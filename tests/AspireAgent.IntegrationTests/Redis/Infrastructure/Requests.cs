using System.Globalization;
using AspireAgent.Bus;
using AspireAgent.Bus.Redis;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Redis.Infrastructure;

internal static class Requests
{
    public static ChatRequest New(string? streamId = null, string? conversationId = null) => new()
    {
        StreamId = streamId ?? "s_" + MessageIds.New(),
        ConversationId = conversationId ?? "c_" + MessageIds.New(),
        OwnerId = "u_owner",
        UserMessageId = MessageIds.New(),
        History = [new ChatTurn(TurnRole.User, "hello")],
        SubmittedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>
    /// Requests not yet done in every shard of the queue (XLEN summed: waiting and held ones, as completed
    /// ones are deleted), for a bus with the default key prefix and shard count.
    /// </summary>
    public static async Task<long> InRedisAsync(RedisServer redis)
    {
        var shards = new RequestShards(new RedisKeys(new RedisBusOptions()), new RedisBusOptions().RequestQueueShards);
        var total = 0L;
        for (var i = 0; i < shards.Count; i++)
        {
            total += long.Parse((await redis.CommandAsync("XLEN", shards[i].ToString())).TrimStart(':'), CultureInfo.InvariantCulture);
        }

        return total;
    }

    /// <summary>Reads leases for <paramref name="consumer"/> until <paramref name="count"/> came or <paramref name="within"/> passed.</summary>
    public static async Task<List<RequestLease>> TakeAsync(IRequestQueue queue, string consumer, int count, TimeSpan within)
    {
        var leases = new List<RequestLease>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(within);
        try
        {
            await foreach (var lease in queue.ReadAsync(consumer, limit.Token))
            {
                leases.Add(lease);
                if (leases.Count == count)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        return leases;
    }
}
