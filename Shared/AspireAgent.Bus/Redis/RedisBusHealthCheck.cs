using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>Unhealthy while Redis does not answer, so that load balancers and orchestrators see the outage (liveness stays up).</summary>
internal sealed class RedisBusHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.Database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", exception);
        }
    }
}
