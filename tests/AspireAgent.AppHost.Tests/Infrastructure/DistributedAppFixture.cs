using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace AspireAgent.AppHost.Tests.Infrastructure;

/// <summary>
/// The whole app as the AppHost starts it on a machine with redis-server and no container runtime: Redis as an
/// executable, three gateway replicas behind one proxied port, the worker on the simulated model, the UI.
/// Started once for every test of the collection (two cores: one start is most of the cost), disposed at the end,
/// which stops every process the orchestrator started. The dashboard runs too (anonymous), so that a test can
/// look at it as a user does.
/// </summary>
public sealed class DistributedAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app did not start.");

    /// <summary>The one WebSocket URL in front of every gateway replica (ws://localhost:5090/ws outside tests).</summary>
    public Uri GatewayUri => new($"ws://{App.GetEndpoint("socket", "http").Authority}/ws");

    public Uri WebUri => App.GetEndpoint("web", "http");

    /// <summary>The dashboard's address as the orchestrator published it (behind its proxy, on a random port in tests).</summary>
    public Uri DashboardUri => App.ResourceNotifications.TryGetCurrentState("aspire-dashboard", out var dashboard)
        && dashboard.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "DASHBOARD__FRONTEND__PUBLICURL")?.Value is { } url
            ? new Uri(url)
            : throw new InvalidOperationException("The dashboard did not publish its URL.");

    /// <summary>The gateway replicas (process id → orchestrator resource id) once the app was healthy.</summary>
    public IReadOnlyDictionary<int, string> StartedGatewayReplicas { get; private set; } = new Dictionary<int, string>();

    public async ValueTask InitializeAsync()
    {
        using var limit = new CancellationTokenSource(StartTimeout);
        var ct = limit.Token;
        string[] args =
        [
            "--AppHost:ContainerRuntime=none", "--AppHost:Redis=Executable", "--AppHost:Model=Simulated",
            "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args, (options, _) =>
        {
            options.DisableDashboard = false;
            options.AllowUnsecuredTransport = true;
        }, ct);
        _app = await builder.BuildAsync(ct);
        await _app.StartAsync(ct);
        foreach (var resource in (string[])["redis", "inference", "socket", "web"])
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
        }

        StartedGatewayReplicas = await GatewayReplicasAsync(ct);
    }

    /// <summary>Starts a replica a test stopped, and waits until it runs, so that the next test finds three again.</summary>
    public async Task StartReplicaAgainAsync(string resourceId, CancellationToken cancellationToken)
    {
        await App.ResourceCommands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, cancellationToken);
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.ResourceId == resourceId && update.Snapshot.State?.Text == KnownResourceStates.Running
                && update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            {
                return;
            }
        }
    }

    // Waits for every replica to be healthy, and returns their process ids, from the orchestrator's view of them
    // (current states come first). The process is the `dotnet run` the orchestrator launched; the node is its child.
    private async Task<IReadOnlyDictionary<int, string>> GatewayReplicasAsync(CancellationToken cancellationToken)
    {
        var replicas = new Dictionary<string, int>();
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            // Each replica healthy, not just the first (which is all WaitForResourceHealthyAsync("socket") waits for):
            // the proxy sends connections only to replicas that serve.
            if (update.Resource.Name == "socket"
                && update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                && update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid)
            {
                replicas[update.ResourceId] = Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
                if (replicas.Count == 3)
                {
                    break;
                }
            }
        }

        return replicas.ToDictionary(r => r.Value, r => r.Key);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DistributedAppCollection : ICollectionFixture<DistributedAppFixture>
{
    public const string Name = "Distributed app";
}
