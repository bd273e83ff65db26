using AspireAgent.Bus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AspireAgent.IntegrationTests.Redis.Infrastructure;

/// <summary>
/// One process's view of the bus, as <c>AddAgentBus</c> composes it from the connection string Aspire injects:
/// its own host, container and Redis connection. Two nodes on one Redis are two machines as far as the bus knows.
/// </summary>
public sealed class BusNode : IAsyncDisposable
{
    private readonly IHost _host;

    private BusNode(IHost host) => _host = host;

    public IRequestQueue Requests => _host.Services.GetRequiredService<IRequestQueue>();

    public IStreamStore Streams => _host.Services.GetRequiredService<IStreamStore>();

    public IConversationStore Conversations => _host.Services.GetRequiredService<IConversationStore>();

    public IStreamSignals Signals => _host.Services.GetRequiredService<IStreamSignals>();

    public IAnswerQuota Quota => _host.Services.GetRequiredService<IAnswerQuota>();

    public IServiceProvider Services => _host.Services;

    /// <param name="redis">The Redis to share; null for the in-memory bus of the single-process mode.</param>
    public static Task<BusNode> StartAsync(RedisServer? redis, IDictionary<string, string?>? settings = null) =>
        StartAsync(redis?.ConnectionString, settings);

    /// <param name="connectionString">The Redis (or Redis Cluster) to share; null for the in-memory bus.</param>
    public static async Task<BusNode> StartAsync(string? connectionString, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddDebug();
        builder.AddAgentBus();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new BusNode(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(timeout.Token);
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
