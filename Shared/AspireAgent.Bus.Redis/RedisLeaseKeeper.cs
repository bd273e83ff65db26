using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Keeps this process's leases alive: every <see cref="RedisBusOptions.LeaseRenewInterval"/> it resets the
/// idle time of each request it is working on, so only a worker that stopped renewing (it died, hung, or lost
/// Redis for longer than <see cref="RedisBusOptions.ClaimTimeout"/>) has its requests taken over.
/// </summary>
internal sealed partial class RedisLeaseKeeper(
    RedisConnection redis,
    LeaseRegistry leases,
    IOptions<RedisBusOptions> options,
    TimeProvider time,
    ILogger<RedisLeaseKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var held = leases.Snapshot();
                if (held.Count > 0)
                {
                    await Task.WhenAll(held.Select(RenewAsync)).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAsync(RedisRequestLease lease)
    {
        try
        {
            var renewed = (long)await QueueScripts.Renew.EvaluateAsync(redis.Database, [lease.ShardKey], [options.Value.ConsumerGroup, lease.EntryId, lease.Consumer]).ConfigureAwait(false);
            if (renewed == 0 && leases.Remove(lease))
            {
                LogLost(lease.Request.StreamId, lease.Consumer);
            }
        }
        catch (Exception exception)
        {
            // Redis is away: the next tick tries again. A lease left unrenewed past the claim timeout may be taken
            // over, and then the epoch of the stream fences this worker out. Any failure, not only RedisException:
            // a socket that dies mid-write surfaces from StackExchange.Redis as InvalidOperationException ("Writing
            // is not allowed after writer was completed"), and one escaping here stopped the whole worker host.
            LogRenewFailed(lease.Request.StreamId, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The request of stream {StreamId} was taken over from consumer {Consumer}; it stops renewing it")]
    private partial void LogLost(string streamId, string consumer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not renew the lease of stream {StreamId}: {Reason}")]
    private partial void LogRenewFailed(string streamId, string reason);
}
