using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Redis;

/// <summary>Per-identity answer counts shared by every node: one sorted set per owner (see <see cref="QuotaScripts"/>).</summary>
internal sealed class RedisAnswerQuota(RedisConnection redis, IOptions<BusOptions> options, TimeProvider time) : IAnswerQuota
{
    public async ValueTask<bool> TryTakeAsync(string ownerId, string streamId, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lifetime = (long)options.Value.AnswerQuotaLifetime.TotalMilliseconds;
        var taken = (long)await QuotaScripts.Take.EvaluateAsync(redis.Database, [redis.Keys.OwnerAnswers(ownerId)], [now, now + lifetime, streamId, limit, lifetime])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return taken == 1;
    }

    public async ValueTask ReleaseAsync(string ownerId, string streamId, CancellationToken cancellationToken) =>
        await redis.Database.SortedSetRemoveAsync(redis.Keys.OwnerAnswers(ownerId), streamId)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
}
