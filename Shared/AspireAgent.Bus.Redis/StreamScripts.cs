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
    /// Appends to one or more streams in one call. KEYS: meta and events of each stream, in pairs. ARGV: retention
    /// (ms), max chunks, now (ms), open stream time to live (ms), max text bytes, publish command (PUBLISH or
    /// SPUBLISH), node channel prefix, and what a stream's live channel is made of around its id (prefix, suffix);
    /// then for each stream its id, epoch ('' for an unfenced append) and event count, and four per event: kind (s start, c chunk, r reset, e end), seq, the chunk's text bytes, event
    /// bytes. Returns one outcome per stream: ok, missing, fenced, ended, order, limit, or the error of a write Redis
    /// refused. Each stream's events are checked before any is written, so a refused batch writes nothing, and a
    /// stream's refusal touches no other stream of the call.
    /// <para>
    /// Each stream's batch becomes one notification (see <see cref="EventCodec"/>). A stream that gateway nodes
    /// follow (<see cref="Follow"/>) has it delivered to each of them in one message per node for the whole call,
    /// framed with its stream id (see <see cref="NodeFeed"/>); one that none follows has it published on its own
    /// live channel, where a per-stream subscriber (a Redis Cluster's readers) listens.
    /// </para>
    /// </summary>
    public static readonly RedisScript Append = new("""
        local retention, maxChunks, now, openTtl = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
        local maxBytes, publish, nodePrefix = tonumber(ARGV[5]), ARGV[6], ARGV[7]
        local livePrefix, liveSuffix = ARGV[8], ARGV[9]
        local byNode = {}
        local nodes = {}

        local function append(meta, events, stream, epoch, first, count)
            local m = redis.call('HMGET', meta, 'epoch', 'next', 'minor', 'started', 'ended', 'bytes', 'f')
            if not m[1] then return 'missing' end
            if epoch ~= '' and m[1] ~= epoch then return 'fenced' end
            if m[5] then return 'ended' end
            if count == 0 then return 'ok' end
            local nextSeq = tonumber(m[2])
            local minor = tonumber(m[3])
            local started = m[4] == '1'
            local bytes = tonumber(m[6] or '0')
            local opened = false
            local ended = false
            local ids = {}
            for i = 1, count do
                local at = first + (i - 1) * 4
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
                    if nextSeq >= maxChunks then return 'limit' end
                    bytes = bytes + tonumber(ARGV[at + 2])
                    if bytes > maxBytes then return 'limit' end
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
                local event = ARGV[first + (i - 1) * 4 + 3]
                local added = redis.pcall('XADD', events, ids[i], 'm', event)
                if type(added) == 'table' and added.err then return added.err end
                note[#note + 1] = ids[i] .. '|' .. #event .. '|'
                note[#note + 1] = event
            end
            if ended then
                redis.call('HSET', meta, 'started', 1, 'next', nextSeq, 'minor', minor, 'bytes', bytes, 'ended', now)
                redis.call('PEXPIRE', meta, retention)
                redis.call('PEXPIRE', events, retention)
            else
                redis.call('HSET', meta, 'started', 1, 'next', nextSeq, 'minor', minor, 'bytes', bytes)
                if opened then redis.call('PEXPIRE', events, openTtl) end
            end
            local notification = table.concat(note)
            if not m[7] then
                redis.call(publish, livePrefix .. stream .. liveSuffix, notification)
                return 'ok'
            end
            local framed = #stream .. '|' .. stream .. #notification .. '|' .. notification
            for node in string.gmatch(m[7], '[^,]+') do
                local parts = byNode[node]
                if not parts then
                    parts = {}
                    byNode[node] = parts
                    nodes[#nodes + 1] = node
                end
                parts[#parts + 1] = framed
            end
            return 'ok'
        end

        local outcomes = {}
        local at = 10
        for s = 1, #KEYS / 2 do
            local count = tonumber(ARGV[at + 2])
            outcomes[s] = append(KEYS[s * 2 - 1], KEYS[s * 2], ARGV[at], ARGV[at + 1], at + 3, count)
            at = at + 3 + count * 4
        end
        for _, node in ipairs(nodes) do
            redis.call('PUBLISH', nodePrefix .. node, table.concat(byNode[node]))
        end
        return outcomes
        """);

    /// <summary>
    /// KEYS: meta. ARGV: a gateway node's id. Has the stream's notifications delivered to that node's channel from
    /// the next append on (see <see cref="Append"/>). 1, or 0 when the stream does not exist. A node stays a
    /// follower until the stream expires: unfollowing could race another reader of the same node following again,
    /// and a node that no longer reads the stream only drops what it is sent.
    /// </summary>
    public static readonly RedisScript Follow = new("""
        local f = redis.call('HGET', KEYS[1], 'f')
        if not f then
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            f = ','
        end
        if not string.find(f, ',' .. ARGV[1] .. ',', 1, true) then
            redis.call('HSET', KEYS[1], 'f', f .. ARGV[1] .. ',')
        end
        return 1
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
