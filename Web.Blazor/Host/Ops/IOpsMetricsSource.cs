using AspireAgent.Web.Client.Ops;

namespace AspireAgent.Web.Ops;

/// <summary>Where the ops series come from: this process's own meters, or the Prometheus that scrapes the cluster.</summary>
public interface IOpsMetricsSource
{
    /// <summary>The series over the configured window, ending now. Never throws for an unreachable backend: it says so in <see cref="OpsSnapshot.Problem"/>.</summary>
    Task<OpsSnapshot> GetSnapshotAsync(CancellationToken cancellationToken);
}
