using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Contract;

/// <summary>
/// One bus implementation the contract suite runs against, started once per test class. Each test starts the
/// nodes it needs on it: processes sharing one Redis (or Redis Cluster), or, for the in-memory bus of the
/// single-process mode, the one process that shares its bus with itself. Each test's nodes get a key prefix
/// of their own, so the tests of a class share one server without seeing each other's requests.
/// </summary>
public abstract class BusTarget : IAsyncLifetime
{
    private int _tests;

    /// <summary>
    /// Whether a lease whose holder stops renewing it expires and is handed to another consumer. The in-memory
    /// bus has no expiry: in one process a worker cannot die without its gateway.
    /// </summary>
    public bool LeasesExpire => ConnectionString is not null;

    /// <summary>Null for the in-memory bus.</summary>
    protected abstract string? ConnectionString { get; }

    public Task<BusNodes> StartAsync(int count, IDictionary<string, string?>? settings = null) =>
        StartAsync(Enumerable.Repeat(settings, count).ToList());

    /// <summary>One node per entry, each with its own settings (all on the same key prefix).</summary>
    public async Task<BusNodes> StartAsync(IReadOnlyList<IDictionary<string, string?>?> settingsPerNode)
    {
        var distinct = ConnectionString is null ? 1 : settingsPerNode.Count;
        var prefix = $"t{Interlocked.Increment(ref _tests)}:";
        var nodes = new List<BusNode>(distinct);
        try
        {
            for (var i = 0; i < distinct; i++)
            {
                var isolated = new Dictionary<string, string?>(settingsPerNode[i] ?? new Dictionary<string, string?>())
                {
                    ["Bus:Redis:KeyPrefix"] = prefix,
                };
                nodes.Add(await BusNode.StartAsync(ConnectionString, isolated));
            }
        }
        catch
        {
            await new BusNodes(nodes).DisposeAsync();
            throw;
        }

        return new BusNodes(nodes);
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Nodes on one bus; with a single process (memory), every index is that process.</summary>
public sealed class BusNodes(IReadOnlyList<BusNode> nodes) : IAsyncDisposable
{
    public BusNode this[int index] => nodes[index % nodes.Count];

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>The in-memory bus of the single-process mode.</summary>
public sealed class MemoryTarget : BusTarget
{
    protected override string? ConnectionString => null;
}

/// <summary>One real redis-server, shared by the class's tests (every test uses fresh ids).</summary>
public sealed class RedisTarget : BusTarget
{
    private RedisServer? _redis;

    protected override string? ConnectionString => _redis!.ConnectionString;

    public override async ValueTask InitializeAsync() => _redis = await RedisServer.StartAsync();

    public override async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

/// <summary>A real three-master Redis Cluster, shared by the class's tests.</summary>
public sealed class RedisClusterTarget : BusTarget
{
    private RedisCluster? _cluster;

    protected override string? ConnectionString => _cluster!.ConnectionString;

    public override async ValueTask InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    public override async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
