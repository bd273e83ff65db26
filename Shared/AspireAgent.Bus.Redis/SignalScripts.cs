namespace AspireAgent.Bus.Redis;

/// <summary>
/// Signals are kept in the stream's meta hash (so a producer that starts or takes over later reads them) and
/// published on the stream's signal channel (so the producer learns them at once). A signal for a stream that
/// no longer exists creates nothing.
/// </summary>
internal static class SignalScripts
{
    /// <summary>KEYS: meta. ARGV: seq, channel, publish command. Records and publishes an acknowledgement that moves forward.</summary>
    public static readonly RedisScript Acknowledge = new("""
        local current = redis.call('HGET', KEYS[1], 'acked')
        if not current then
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            current = -1
        end
        if tonumber(ARGV[1]) <= tonumber(current) then return 0 end
        redis.call('HSET', KEYS[1], 'acked', ARGV[1])
        redis.call(ARGV[3], ARGV[2], 'a' .. ARGV[1])
        return 1
        """);

    /// <summary>KEYS: meta. ARGV: channel, publish command. Records and publishes an interrupt.</summary>
    public static readonly RedisScript Interrupt = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], 'interrupted', 1)
        redis.call(ARGV[2], ARGV[1], 'i')
        return 1
        """);
}
