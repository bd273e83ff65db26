namespace AspireAgent.Bus.Redis;

/// <summary>
/// An identity's answers in flight and queued as a sorted set (stream id scored by its expiry), checked and
/// changed in one step so that two gateway nodes cannot both take the last place.
/// </summary>
internal static class QuotaScripts
{
    /// <summary>
    /// KEYS: the owner's answers. ARGV: now (ms), expiry (ms), stream id, limit, time to live (ms).
    /// 1 when counted (or already counted), 0 when the owner is at the limit.
    /// </summary>
    public static readonly RedisScript Take = new("""
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 1 end
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return 1
        """);
}
