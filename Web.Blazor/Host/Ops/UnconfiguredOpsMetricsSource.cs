using AspireAgent.Web.Client.Ops;

namespace AspireAgent.Web.Ops;

/// <summary>
/// The host only serves the UI (the gateway and workers are elsewhere) and no Prometheus is named: the page
/// says so instead of drawing empty charts that would look like an idle cluster.
/// </summary>
public sealed class UnconfiguredOpsMetricsSource : IOpsMetricsSource
{
    public const string Message =
        "No metrics source is configured: set Ops:PrometheusUrl to a Prometheus that scrapes the gateways and workers.";

    private static readonly OpsSnapshot Snapshot = new() { Source = OpsSourceKind.None, Problem = Message };

    public Task<OpsSnapshot> GetSnapshotAsync(CancellationToken cancellationToken) => Task.FromResult(Snapshot);
}
