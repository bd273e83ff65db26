using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Rides out a Redis outage for reads: an operation that failed because Redis is unreachable (or still
/// loading its data after a restart) is retried at the next reconnection, for at most
/// <see cref="RedisBusOptions.OutageTolerance"/>. Writes are not retried here: whether a failed write
/// landed is unknown, so their callers recover through the stream's producer epoch instead.
/// </summary>
internal sealed partial class OutageGuard(
    RedisConnection redis, IOptions<RedisBusOptions> options, TimeProvider time, ILogger<OutageGuard> logger)
{
    // Covers a reconnection that happened between the failure and the wait for it.
    private static readonly TimeSpan RecheckDelay = TimeSpan.FromMilliseconds(500);

    private static readonly string[] TransientReplies = ["LOADING", "CLUSTERDOWN", "TRYAGAIN"];

    public async Task<T> RunAsync<T>(Func<Task<T>> operation, string what, CancellationToken cancellationToken)
    {
        long? since = null;
        while (true)
        {
            var restored = redis.NextRestore;
            try
            {
                return await operation().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                since ??= time.GetTimestamp();
                if (time.GetElapsedTime(since.Value) >= options.Value.OutageTolerance)
                {
                    LogGaveUp(what, options.Value.OutageTolerance);
                    throw;
                }

                LogWaiting(what, exception.Message);
                try
                {
                    await restored.WaitAsync(RecheckDelay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }
        }
    }

    /// <summary>
    /// Unreachable, timed out, still loading its data after a restart, or, on a Redis Cluster, slots not yet
    /// served again after a master came back (CLUSTERDOWN) or moving between masters (TRYAGAIN).
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException
        || exception is RedisServerException server && TransientReplies.Any(reply => server.Message.StartsWith(reply, StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis unavailable while {What} ({Reason}); waiting for it")]
    private partial void LogWaiting(string what, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis stayed unavailable for {Tolerance} while {What}; giving up")]
    private partial void LogGaveUp(string what, TimeSpan tolerance);
}
