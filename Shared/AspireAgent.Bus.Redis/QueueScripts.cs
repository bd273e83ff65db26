namespace AspireAgent.Bus.Redis;

/// <summary>
/// The request stream's multi-step operations. Completed requests are deleted, so the stream holds only
/// requests not yet done: waiting ones (never delivered) and pending ones (a worker holds them).
/// </summary>
internal static class QueueScripts
{
    /// <summary>
    /// KEYS: requests. ARGV: group, capacity, request, announcement channel. Adds the request unless
    /// <c>capacity</c> requests are already waiting for a worker, and announces the shard it went to (see
    /// <see cref="RequestAnnouncements"/>); 1 when added, 0 when full.
    /// </summary>
    public static readonly RedisScript Submit = new("""
        local waiting = redis.call('XLEN', KEYS[1])
        local ok, pending = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1])
        if ok then waiting = waiting - pending[1] end
        if waiting >= tonumber(ARGV[2]) then return 0 end
        redis.call('XADD', KEYS[1], '*', 'r', ARGV[3])
        redis.call('PUBLISH', ARGV[4], KEYS[1])
        return 1
        """);

    /// <summary>
    /// KEYS: requests. ARGV: group, entry id, consumer. Acknowledges and deletes the request if the consumer
    /// still holds it: 1 done, 0 no longer pending, -1 another consumer took it over.
    /// </summary>
    public static readonly RedisScript Complete = new("""
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
        if #p == 0 then return 0 end
        if p[1][2] ~= ARGV[3] then return -1 end
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        redis.call('XDEL', KEYS[1], ARGV[2])
        return 1
        """);

    /// <summary>
    /// KEYS: requests. ARGV: group, entry id, consumer. Resets the request's idle time if the consumer still
    /// holds it (XCLAIM by its own holder, JUSTID so the delivery count stays): 1 renewed, 0 lost.
    /// </summary>
    public static readonly RedisScript Renew = new("""
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
        if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
        return 1
        """);
}
