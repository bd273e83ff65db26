namespace AspireAgent.Bus.Redis;

/// <summary>
/// The stream's writes as Lua scripts: each checks and changes the stream's meta hash and its event log in
/// one atomic step, which is what keeps seqs contiguous and fences out a producer that was taken over.
/// </summary>
internal static class StreamScripts
{
    /// <summary>KEYS: meta. ARGV: conversation, owner, created (ms), time to live (ms). 1 when created, 0 when it existed.</summary>
    public static readonly RedisScript Create = new("""
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'conv', ARGV[1], 'owner', ARGV[2], 'created', ARGV[3],
            'epoch', 0, 'attempt', 0, 'next', 0, 'minor', 0, 'started', 0)
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """);

    /// <summary>
    /// KEYS: meta, events. ARGV: epoch ('' for an unfenced append), live channel, retention (ms), max chunks,
    /// now (ms), open stream time to live (ms), max text bytes, publish command (PUBLISH or SPUBLISH), then four
    /// per event: kind (s start, c chunk, r reset, e end), seq, the chunk's text bytes, event bytes. Returns ok,
    /// missing, fenced, ended, order or limit. Every event is checked before any is written, so a refused batch
    /// writes nothing; the batch is then published as one notification (see <see cref="EventCodec"/>).
    /// </summary>
    public static readonly RedisScript Append = new("""
        local m = redis.call('HMGET', KEYS[1], 'epoch', 'next', 'minor', 'started', 'ended', 'bytes')
        if not m[1] then return 'missing' end
        if ARGV[1] ~= '' and m[1] ~= ARGV[1] then return 'fenced' end
        if m[5] then return 'ended' end
        local nextSeq = tonumber(m[2])
        local minor = tonumber(m[3])
        local started = m[4] == '1'
        local bytes = tonumber(m[6] or '0')
        local opened = false
        local ended = false
        local ids = {}
        local count = (#ARGV - 8) / 4
        if count == 0 then return 'ok' end
        for i = 1, count do
            local at = 5 + i * 4
            local kind = ARGV[at]
            if ended then return 'ended' end
            if kind == 's' then
                if started then return 'order' end
                started = true
                opened = true
                minor = minor + 1
                ids[i] = '0-' .. minor
            elseif not started then
                return 'order'
            elseif kind == 'c' then
                if tonumber(ARGV[at + 1]) ~= nextSeq then return 'order' end
                if nextSeq >= tonumber(ARGV[4]) then return 'limit' end
                bytes = bytes + tonumber(ARGV[at + 2])
                if bytes > tonumber(ARGV[7]) then return 'limit' end
                nextSeq = nextSeq + 1
                minor = 0
                ids[i] = string.format('%d-0', nextSeq)
            elseif kind == 'r' then
                if tonumber(ARGV[at + 1]) ~= nextSeq then return 'order' end
                minor = minor + 1
                ids[i] = string.format('%d-%d', nextSeq, minor)
            else
                ended = true
                minor = minor + 1
                ids[i] = string.format('%d-%d', nextSeq, minor)
            end
        end
        local note = {'*'}
        for i = 1, count do
            local event = ARGV[8 + i * 4]
            redis.call('XADD', KEYS[2], ids[i], 'm', event)
            note[#note + 1] = ids[i] .. '|' .. #event .. '|'
            note[#note + 1] = event
        end
        if ended then
            redis.call('HSET', KEYS[1], 'started', 1, 'next', nextSeq, 'minor', minor, 'bytes', bytes, 'ended', ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
        else
            redis.call('HSET', KEYS[1], 'started', 1, 'next', nextSeq, 'minor', minor, 'bytes', bytes)
            if opened then redis.call('PEXPIRE', KEYS[2], ARGV[6]) end
        end
        redis.call(ARGV[8], ARGV[2], table.concat(note))
        return 'ok'
        """);

    /// <summary>
    /// KEYS: meta, events. ARGV: the renewed handle's epoch, or '' for a new attempt. Makes a new producer
    /// handle: returns {epoch, attempt, next seq, started, end event or ''}, nil when the stream does not
    /// exist, or 'fenced' when the renewed handle is no longer the current one.
    /// </summary>
    public static readonly RedisScript Acquire = new("""
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
        """);

    /// <summary>
    /// KEYS: meta, events. ARGV: exclusive start id, count. The events after the start, or nil when the stream
    /// does not exist: existence and content in one round trip.
    /// </summary>
    public static readonly RedisScript Read = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
        return redis.call('XRANGE', KEYS[2], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])
        """);
}
