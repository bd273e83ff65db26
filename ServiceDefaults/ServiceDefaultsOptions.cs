using System.ComponentModel.DataAnnotations;

namespace AspireAgent.ServiceDefaults;

/// <summary>Bound from <c>ServiceDefaults</c>; the OTLP settings themselves come from the standard <c>OTEL_*</c> variables.</summary>
public sealed class ServiceDefaultsOptions
{
    public const string SectionName = "ServiceDefaults";

    /// <summary>Liveness probe path: the process answers at all.</summary>
    [Required, RegularExpression("^/.*")]
    public string AlivePath { get; set; } = "/alive";

    /// <summary>Readiness path: every health check passes.</summary>
    [Required, RegularExpression("^/.*")]
    public string HealthPath { get; set; } = "/health";

    /// <summary>Prometheus scrape endpoint, for deployments without an OTLP collector; empty disables it.</summary>
    [RegularExpression("^(/.*)?$")]
    public string PrometheusPath { get; set; } = "/metrics";
}
