using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// The request shards consumers read: those of every shard count any process has used on this Redis, not only
/// this process's own. A shard's key depends on the count (see <see cref="RequestShards"/>), so a process
/// configured with another count than the one a gateway submitted with would never read those requests: during
/// a rolling change of <see cref="RedisBusOptions.RequestQueueShards"/>, or with one process configured apart.
/// Each process records its count in a Redis set before it submits or reads, and consumers re-read the set on
/// every claim round.
/// </summary>
/// <remarks>
/// A count stays in the set once used: reading its shards costs an idle consumer one read per shard on a full
/// look (at start, on a claim round, after a reconnection), never per request. Delete the set once no process
/// uses an old count and its shards are empty (docs/distributed.md).
/// </remarks>
internal sealed class RequestQueueLayouts : IReconnectAware, IDisposable
{
    private readonly RedisConnection _redis;
    private readonly RequestShards _own;
    private readonly ConcurrentDictionary<int, RequestShards> _layouts = new();
    private readonly IDisposable _reconnects;
    private RedisKey[] _keys;
    private int _recorded;

    public RequestQueueLayouts(RedisConnection redis, RequestShards own)
    {
        _redis = redis;
        _own = own;
        _layouts[own.Count] = own;
        _keys = [.. own.Keys];
        _reconnects = redis.OnReconnect(this);
    }

    /// <summary>Every shard key to read: this process's own first, then the others', each once.</summary>
    public IReadOnlyList<RedisKey> Keys => Volatile.Read(ref _keys);

    /// <summary>Where <paramref name="shard"/> is in <see cref="Keys"/>; -1 when no longer read.</summary>
    public int IndexOf(RedisKey shard) => Array.IndexOf(Volatile.Read(ref _keys), shard);

    /// <summary>Records this process's count, once per connection (the set is gone if Redis lost its data).</summary>
    public async ValueTask RecordAsync()
    {
        if (Volatile.Read(ref _recorded) == 0)
        {
            await _redis.Database.SetAddAsync(_redis.Keys.RequestLayouts, _own.Count).ConfigureAwait(false);
            Volatile.Write(ref _recorded, 1);
        }
    }

    /// <summary>Records this process's count and re-reads everyone's.</summary>
    public async Task RefreshAsync()
    {
        await RecordAsync().ConfigureAwait(false);
        var members = await _redis.Database.SetMembersAsync(_redis.Keys.RequestLayouts).ConfigureAwait(false);
        var keys = new List<RedisKey>(Keys.Count);
        keys.AddRange(_own.Keys);
        foreach (var member in members)
        {
            // Anything else in the set is not a count this version can lay out; it is left alone.
            if (!int.TryParse(member.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                || count < 1 || count > RedisBusOptions.MaxRequestQueueShards || count == _own.Count)
            {
                continue;
            }

            var layout = _layouts.GetOrAdd(count, static (c, keys) => new RequestShards(keys, c), _redis.Keys);
            foreach (var key in layout.Keys)
            {
                if (!keys.Contains(key))
                {
                    keys.Add(key);
                }
            }
        }

        Volatile.Write(ref _keys, [.. keys]);
    }

    public void OnReconnected() => Volatile.Write(ref _recorded, 0);

    public void Dispose() => _reconnects.Dispose();
}
