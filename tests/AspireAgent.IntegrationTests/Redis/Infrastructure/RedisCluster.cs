using System.Diagnostics;
using System.Globalization;
using AspireAgent.IntegrationTests.Infrastructure;

namespace AspireAgent.IntegrationTests.Redis.Infrastructure;

/// <summary>
/// A real three-master Redis Cluster of the test's own (no replicas), on free loopback ports: three
/// cluster-enabled redis-servers joined by <c>redis-cli --cluster create</c>, ready once every node reports
/// <c>cluster_state:ok</c>. Killed on dispose.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private RedisCluster(IReadOnlyList<RedisServer> nodes) => Nodes = nodes;

    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>Every master as a seed, in StackExchange.Redis form; the client discovers the slots itself.</summary>
    public string ConnectionString => string.Join(',', Nodes.Select(node => node.ConnectionString));

    /// <param name="durable">Every master appends to its AOF with fsync always, so one killed and restarted keeps its data.</param>
    public static async Task<RedisCluster> StartAsync(bool durable = false)
    {
        var nodes = new List<RedisServer>(3);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await RedisServer.StartClusterNodeAsync(durable));
            }

            var cluster = new RedisCluster(nodes);
            await cluster.CreateAsync();
            await cluster.WaitUntilOkAsync();
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task CreateAsync()
    {
        string[] arguments = ["--cluster", "create", .. Nodes.Select(node => node.ConnectionString), "--cluster-replicas", "0", "--cluster-yes"];
        await using var create = ExternalProcess.StartInstalled("redis-cli", "redis-tools", Path.GetTempPath(), arguments);
        if (await create.WaitAsync(StartTimeout) != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed:\n{create.Output}");
        }
    }

    /// <summary>Until every node reports <c>cluster_state:ok</c>: all slots served (also after a master restarted).</summary>
    public async Task WaitUntilOkAsync()
    {
        var deadline = Stopwatch.StartNew();
        foreach (var node in Nodes)
        {
            while (!await IsOkAsync(node))
            {
                if (deadline.Elapsed >= StartTimeout)
                {
                    throw new TimeoutException($"The cluster node on port {node.Port} did not reach cluster_state:ok within {StartTimeout}.");
                }

                // The nodes agree on the slots by gossip over their cluster bus: there is no event to wait on.
                await Task.Delay(50);
            }
        }
    }

    private static async Task<bool> IsOkAsync(RedisServer node)
    {
        await using var info = ExternalProcess.StartInstalled(
            "redis-cli", "redis-tools", Path.GetTempPath(), "-p", node.Port.ToString(CultureInfo.InvariantCulture), "cluster", "info");
        await info.WaitAsync(TimeSpan.FromSeconds(10));
        return info.Output.Contains("cluster_state:ok", StringComparison.Ordinal);
    }
}
