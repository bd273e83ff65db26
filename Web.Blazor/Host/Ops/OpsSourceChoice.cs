using AspireAgent.Web.Client.Ops;

namespace AspireAgent.Web.Ops;

/// <summary>Which source <see cref="OpsMetricsExtensions.AddOpsMetrics"/> registered; decided before the host is built because it changes the services.</summary>
public sealed record OpsSourceChoice(OpsSourceKind Kind)
{
    public string Describe(OpsOptions options) => Kind switch
    {
        OpsSourceKind.Prometheus => $"Prometheus at {options.PrometheusUrl}",
        OpsSourceKind.InProcess => $"this process's meters, every {options.Interval} over {options.Window}",
        _ => "none (set Ops:PrometheusUrl)",
    };
}
