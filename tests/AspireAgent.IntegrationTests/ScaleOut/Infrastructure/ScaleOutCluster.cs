using System.Globalization;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>
/// The distributed mode on loopback: a redis-server or a three-master Redis Cluster, N gateway node processes and M worker processes, all
/// configured through the variables Aspire injects (<c>ConnectionStrings__redis</c>) plus the test's timings.
/// Nodes are named <c>node-1</c>…, so a client can tell from <c>welcome</c> which node serves it.
/// </summary>
public sealed class ScaleOutCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> _settings;
    private int _workerCount;

    private ScaleOutCluster(ScaleOutRedis redis, Dictionary<string, string> settings) => (Redis, _settings) = (redis, settings);

    public ScaleOutRedis Redis { get; }

    public List<ServiceProcess> Nodes { get; } = [];

    public List<ServiceProcess> Workers { get; } = [];

    public IReadOnlyList<Uri> NodeUris => Nodes.Select(n => n.WebSocketUri).ToList();

    /// <summary>The simulated model's answer length, which the expected content depends on.</summary>
    public int TokenCount => int.Parse(_settings["Inference__Simulated__TokenCount"], CultureInfo.InvariantCulture);

    /// <param name="settings">Configuration for every process, as environment variables (<c>Section__Key</c>).</param>
    public static async Task<ScaleOutCluster> StartAsync(
        int nodes,
        int workers,
        IReadOnlyDictionary<string, string>? settings = null,
        bool durableRedis = false,
        RedisTopology topology = RedisTopology.Single)
    {
        var redis = await ScaleOutRedis.StartAsync(topology, durableRedis);
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["Inference__Provider"] = "Simulated",
            ["Inference__Simulated__TokensPerSecond"] = "200",
            ["Inference__Simulated__TokenCount"] = "30",
            ["Inference__Concurrency"] = "16",
            ["Bus__Redis__ClaimTimeout"] = "00:00:02",
            ["Bus__Redis__LeaseRenewInterval"] = "00:00:00.400",
            ["Bus__Redis__ClaimCheckInterval"] = "00:00:00.250",
            ["Bus__Redis__ReaderCatchUpInterval"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var cluster = new ScaleOutCluster(redis, all);
        try
        {
            await Task.WhenAll(
                Task.WhenAll(Enumerable.Range(1, nodes).Select(cluster.StartNodeAsync)),
                Task.WhenAll(Enumerable.Range(0, workers).Select(_ => cluster.AddWorkerAsync())));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        cluster.Nodes.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return cluster;
    }

    public async Task<ServiceProcess> AddWorkerAsync()
    {
        var name = $"worker-{Interlocked.Increment(ref _workerCount)}";
        var worker = await ServiceProcess.StartAsync(name, "Services.Inference.dll", _settings, "Inference worker started");
        lock (Workers)
        {
            Workers.Add(worker);
        }

        return worker;
    }

    /// <summary>Everything the processes printed lately, for a failure message.</summary>
    public string Diagnostics() =>
        string.Join(Environment.NewLine, Nodes.Concat(Workers).Select(p => $"----- {p.Name}{Environment.NewLine}{p.RecentOutput}"));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Concat(Workers).Select(p => p.DisposeAsync().AsTask()));
        await Redis.DisposeAsync();
    }

    private async Task StartNodeAsync(int number)
    {
        var settings = new Dictionary<string, string>(_settings) { ["Gateway__NodeId"] = $"node-{number}" };
        var node = await ServiceProcess.StartAsync($"node-{number}", "Services.Socket.dll", settings, "Now listening on");
        lock (Nodes)
        {
            Nodes.Add(node);
        }
    }
}
