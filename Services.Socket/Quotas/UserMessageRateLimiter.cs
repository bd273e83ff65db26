using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Quotas;

/// <summary>
/// The rate limit on <c>user.message</c>: ASP.NET Core's token bucket, one partition per identity, so a
/// flooding identity spends only its own tokens. Per node: the bus-wide bound is the answer quota.
/// </summary>
internal sealed class UserMessageRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public UserMessageRateLimiter(IOptions<QuotaOptions> options)
    {
        var quotas = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(identity => RateLimitPartition.GetTokenBucketLimiter(
            identity,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = quotas.MessageBurst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = quotas.MessageRefillInterval,
                AutoReplenishment = true,
                QueueLimit = 0,
            }));
    }

    /// <summary>Takes one token of <paramref name="identity"/>; when none is left, how long until one is.</summary>
    public bool TryAcquire(string identity, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(identity);
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
