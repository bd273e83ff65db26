using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace AspireAgent.AppHost.Tests.Infrastructure;

/// <summary>
/// The whole app as the AppHost starts it on a machine with redis-server and no container runtime: Redis as an
/// executable, three gateway replicas behind one proxied port, the worker on the simulated model, the UI.
/// Started once for every test of the collection (two cores: one start is most of the cost), disposed at the end,
/// which stops every process the orchestrator started. The dashboard runs too (anonymous, on a free port), so
/// that a test can look at it as a user does.
/// </summary>
public sealed class DistributedAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app did not start.");

    /// <summary>The one WebSocket URL in front of every gateway replica (ws://localhost:5090/ws outside tests).</summary>
    public Uri GatewayUri => new($"ws://{App.GetEndpoint("socket", "http").Authority}/ws");

    public Uri WebUri => App.GetEndpoint("web", "http");

    public Uri DashboardUri { get; } = new($"http://localhost:{AspireAgent.AppHost.Topology.FreePort.Next()}");

    /// <summary>The gateway replicas' process ids once the app was healthy, before any test could kill one.</summary>
    public IReadOnlyList<int> StartedGatewayProcessIds { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        using var limit = new CancellationTokenSource(StartTimeout);
        var ct = limit.Token;
        string[] args =
        [
            "--AppHost:ContainerRuntime=none", "--AppHost:Redis=Executable", "--AppHost:Model=Simulated",
            $"--ASPNETCORE_URLS={DashboardUri}",
            $"--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://localhost:{AspireAgent.AppHost.Topology.FreePort.Next()}",
            $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{AspireAgent.AppHost.Topology.FreePort.Next()}",
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

        StartedGatewayProcessIds = await GatewayProcessIdsAsync(ct);
    }

    /// <summary>The process ids of the gateway replicas, from the orchestrator's view of them (current states come first).</summary>
    private async Task<IReadOnlyList<int>> GatewayProcessIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, int>();
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name == "socket"
                && update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid)
            {
                ids[update.ResourceId] = Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
                if (ids.Count == 3)
                {
                    break;
                }
            }
        }

        return [.. ids.Values];
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
