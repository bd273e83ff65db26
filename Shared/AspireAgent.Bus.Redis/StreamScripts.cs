namespace AspireAgent.Bus.Redis;

/// <summary>
/// The stream's writes as Lua scripts: each checks and changes the stream's meta hash and its event log in
/// one atomic step, which is what keeps seqs contiguous and fences out a producer that was taken over.
/// </summary>
internal static class StreamScripts
{
    /// <summary>KEYS: meta. ARGV: conversation, owner, created (ms), time to live (ms). 1 when created, 0 when it existed.</summary>
    public const string Create = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'conv', ARGV[1], 'owner', ARGV[2], 'created', ARGV[3],
            'epoch', 0, 'attempt', 0, 'next', 0, 'minor', 0, 'started', 0)
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    /// <summary>
    /// KEYS: meta, events. ARGV: epoch ('' for an unfenced append), kind (s start, c chunk, r reset, e end),
    /// seq, event bytes, live channel, retention (ms), max chunks, now (ms), open stream time to live (ms),
    /// the chunk's text bytes, max text bytes, publish command (PUBLISH or SPUBLISH). Returns ok, missing,
    /// fenced, ended, order or limit.
    /// </summary>
    public const string Append = """
        local m = redis.call('HMGET', KEYS[1], 'epoch', 'next', 'minor', 'started', 'ended', 'bytes')
        if not m[1] then return 'missing' end
        if ARGV[1] ~= '' and m[1] ~= ARGV[1] then return 'fenced' end
        if m[5] then return 'ended' end
        local nextSeq = tonumber(m[2])
        local minor = tonumber(m[3])
        local started = m[4] == '1'
        local kind = ARGV[2]
        local id
        if kind == 's' then
            if started then return 'order' end
            minor = minor + 1
            id = '0-' .. minor
            redis.call('HSET', KEYS[1], 'started', 1, 'minor', minor)
        elseif not started then
            return 'order'
        elseif kind == 'c' then
            if tonumber(ARGV[3]) ~= nextSeq then return 'order' end
            if nextSeq >= tonumber(ARGV[7]) then return 'limit' end
            local bytes = tonumber(m[6] or '0') + tonumber(ARGV[10])
            if bytes > tonumber(ARGV[11]) then return 'limit' end
            nextSeq = nextSeq + 1
            id = string.format('%d-0', nextSeq)
            redis.call('HSET', KEYS[1], 'next', nextSeq, 'minor', 0, 'bytes', bytes)
        elseif kind == 'r' then
            if tonumber(ARGV[3]) ~= nextSeq then return 'order' end
            minor = minor + 1
            id = string.format('%d-%d', nextSeq, minor)
            redis.call('HSET', KEYS[1], 'minor', minor)
        else
            minor = minor + 1
            id = string.format('%d-%d', nextSeq, minor)
            redis.call('HSET', KEYS[1], 'minor', minor, 'ended', ARGV[8])
        end
        redis.call('XADD', KEYS[2], id, 'm', ARGV[4])
        if kind == 'e' then
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            redis.call('PEXPIRE', KEYS[2], ARGV[6])
        elseif kind == 's' then
            redis.call('PEXPIRE', KEYS[2], ARGV[9])
        end
        redis.call(ARGV[12], ARGV[5], id .. '|' .. ARGV[4])
        return 'ok'
        """;

    /// <summary>
    /// KEYS: meta, events. ARGV: the renewed handle's epoch, or '' for a new attempt. Makes a new producer
    /// handle: returns {epoch, attempt, next seq, started, end event or ''}, nil when the stream does not
    /// exist, or 'fenced' when the renewed handle is no longer the current one.
    /// </summary>
    public const string Acquire = """
        local m = redis.call('HMGET', KEYS[1], 'epoch', 'attempt', 'next', 'started', 'ended')
        if not m[1] then return nil end
        local attempt = tonumber(m[2] or '0')
        if ARGV[1] == '' then
            attempt = attempt + 1
        elseif m[1] ~= ARGV[1] then
            return 'fenced'
        end
        local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
        redis.call('HSET', KEYS[1], 'attempt', attempt)
        local ending = ''
        if m[5] then
            local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
            if #last > 0 then ending = last[1][2][2] end
        end
        return {epoch, attempt, m[3], m[4], ending}
        """;

    /// <summary>
    /// KEYS: meta, events. ARGV: exclusive start id, count. The events after the start, or nil when the stream
    /// does not exist: existence and content in one round trip.
    /// </summary>
    public const string Read = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
        return redis.call('XRANGE', KEYS[2], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])
        """;
}
