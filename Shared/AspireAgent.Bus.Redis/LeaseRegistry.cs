using System.Collections.Concurrent;

namespace AspireAgent.Bus.Redis;

/// <summary>The leases this process is working on, which <see cref="RedisLeaseKeeper"/> renews.</summary>
internal sealed class LeaseRegistry
{
    private readonly ConcurrentDictionary<RedisRequestLease, byte> _leases = new();

    public int Count => _leases.Count;

    public void Add(RedisRequestLease lease) => _leases[lease] = 0;

    public bool Remove(RedisRequestLease? lease) => lease is not null && _leases.TryRemove(lease, out _);

    public IReadOnlyList<RedisRequestLease> Snapshot() => [.. _leases.Keys];
}
