using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>
/// The Redis under a scale-out run, one redis-server or a three-master cluster, behind what the tests do to
/// it: read a key, and restart it mid-run. Started per test, not shared: the tests kill it and rely on fixed
/// key names, and a cluster of three fresh servers starts in about a second.
/// </summary>
public sealed class ScaleOutRedis : IAsyncDisposable
{
    private readonly RedisServer? _single;
    private readonly RedisCluster? _cluster;

    private ScaleOutRedis(RedisServer? single, RedisCluster? cluster) => (_single, _cluster) = (single, cluster);

    public RedisTopology Topology => _cluster is null ? RedisTopology.Single : RedisTopology.Cluster;

    /// <summary>As Aspire injects it in <c>ConnectionStrings__redis</c>; every master as a seed on a cluster.</summary>
    public string ConnectionString => _cluster?.ConnectionString ?? _single!.ConnectionString;

    /// <param name="durable">Append-only file with fsync always, so a server killed and restarted keeps its data.</param>
    public static async Task<ScaleOutRedis> StartAsync(RedisTopology topology, bool durable) => topology switch
    {
        RedisTopology.Single => new ScaleOutRedis(await RedisServer.StartAsync(durable), null),
        RedisTopology.Cluster => new ScaleOutRedis(null, await RedisCluster.StartAsync(durable)),
        _ => throw new ArgumentOutOfRangeException(nameof(topology)),
    };

    /// <summary>
    /// A command on a key (<paramref name="arguments"/>[1]), sent to the server holding it: on a cluster every
    /// master but the owner answers <c>-MOVED</c>.
    /// </summary>
    public async Task<string> CommandAsync(params string[] arguments)
    {
        if (_single is not null)
        {
            return await _single.CommandAsync(arguments);
        }

        foreach (var master in _cluster!.Nodes)
        {
            var reply = await master.CommandAsync(arguments);
            if (!reply.StartsWith("-MOVED", StringComparison.Ordinal))
            {
                return reply;
            }
        }

        throw new InvalidOperationException($"No master of the cluster owns {arguments[1]}.");
    }

    /// <summary>
    /// Kills (SIGKILL) and starts again the one redis-server, or the cluster's first master: it reloads its slots
    /// from nodes.conf (and, durable, its data from the AOF), while the other masters keep serving theirs.
    /// </summary>
    public async Task RestartAsync()
    {
        var server = _single ?? _cluster!.Nodes[0];
        await server.KillAsync();
        await server.StartAgainAsync();
        if (_cluster is not null)
        {
            await _cluster.WaitUntilOkAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_single is not null)
        {
            await _single.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
