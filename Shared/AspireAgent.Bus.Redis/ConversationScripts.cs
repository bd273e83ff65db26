namespace AspireAgent.Bus.Redis;

/// <summary>
/// Conversations as a meta hash (owner, answer in progress) and a list of turns, changed atomically so that
/// two gateways can never start two answers in one conversation.
/// </summary>
internal static class ConversationScripts
{
    /// <summary>KEYS: meta, turns. ARGV: owner, time to live (ms). Returns created, owned or forbidden.</summary>
    public static readonly RedisScript Claim = new("""
        local owner = redis.call('HGET', KEYS[1], 'owner')
        if not owner then
            redis.call('HSET', KEYS[1], 'owner', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 'created'
        end
        if owner ~= ARGV[1] then return 'forbidden' end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return 'owned'
        """);

    /// <summary>
    /// KEYS: meta, turns. ARGV: stream id, user turn, max turns, time to live (ms), now (Unix ms), turn start
    /// timeout (ms), title. The history ending with the user turn, or nil when an answer is in progress; an error
    /// when the conversation was never claimed. An answer begun but unconfirmed ('begun' set) for the timeout is
    /// taken over: its gateway died before submitting it. The first turn's title sticks.
    /// </summary>
    public static readonly RedisScript BeginTurn = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('UNCLAIMED conversation') end
        local m = redis.call('HMGET', KEYS[1], 'active', 'begun')
        if m[1] and not (m[2] and tonumber(m[2]) + tonumber(ARGV[6]) <= tonumber(ARGV[5])) then return nil end
        redis.call('HSET', KEYS[1], 'active', ARGV[1], 'begun', ARGV[5], 'last', ARGV[5])
        redis.call('HSETNX', KEYS[1], 'title', ARGV[7])
        redis.call('RPUSH', KEYS[2], ARGV[2])
        redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return redis.call('LRANGE', KEYS[2], 0, -1)
        """);

    /// <summary>KEYS: meta. ARGV: stream id. Confirms the answer in progress as submitted, if it is this stream's.</summary>
    public static readonly RedisScript ConfirmTurn = new("""
        if redis.call('HGET', KEYS[1], 'active') ~= ARGV[1] then return 0 end
        redis.call('HDEL', KEYS[1], 'begun')
        return 1
        """);

    /// <summary>
    /// KEYS: meta, turns. ARGV: stream id, assistant turn ('' for none), max turns, time to live (ms), now (Unix
    /// ms). Ends the answer in progress if it is this stream's: 1 when it was, 0 otherwise.
    /// </summary>
    public static readonly RedisScript CompleteTurn = new("""
        if redis.call('HGET', KEYS[1], 'active') ~= ARGV[1] then return 0 end
        redis.call('HDEL', KEYS[1], 'active', 'begun')
        redis.call('HSET', KEYS[1], 'last', ARGV[5])
        if ARGV[2] ~= '' then
            redis.call('RPUSH', KEYS[2], ARGV[2])
            redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return 1
        """);

    /// <summary>KEYS: meta, turns. The meta fields owner, title, last, active, then every turn; nil when absent.</summary>
    public static readonly RedisScript Read = new("""
        local meta = redis.call('HMGET', KEYS[1], 'owner', 'title', 'last', 'active')
        if not meta[1] then return nil end
        local result = { meta[1], meta[2] or '', meta[3] or '0', meta[4] or '' }
        for _, turn in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do table.insert(result, turn) end
        return result
        """);

    /// <summary>KEYS: meta, turns. ARGV: owner. Returns deleted, forbidden, or nil when there is no such conversation.</summary>
    public static readonly RedisScript Delete = new("""
        local owner = redis.call('HGET', KEYS[1], 'owner')
        if not owner then return nil end
        if owner ~= ARGV[1] then return 'forbidden' end
        redis.call('DEL', KEYS[1], KEYS[2])
        return 'deleted'
        """);
}
