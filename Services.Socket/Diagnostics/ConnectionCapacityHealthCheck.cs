using AspireAgent.Socket.Connections;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Diagnostics;

/// <summary>
/// Readiness by fill level, at the design's alert thresholds: degraded from 80 % of
/// <see cref="GatewayOptions.MaxConnections"/>, unhealthy (HTTP 503) from 95 %, so a load balancer
/// stops sending new clients to a node before it has to refuse them.
/// </summary>
internal sealed class ConnectionCapacityHealthCheck(ConnectionRegistry registry, IOptions<GatewayOptions> options) : IHealthCheck
{
    public const double DegradedAt = 0.80;
    public const double UnhealthyAt = 0.95;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var capacity = options.Value.MaxConnections;
        var active = registry.Count;
        var fill = (double)active / capacity;
        var data = new Dictionary<string, object> { ["active"] = active, ["capacity"] = capacity };
        var description = $"{active} of {capacity} connections ({fill:P0})";
        return Task.FromResult(fill >= UnhealthyAt ? HealthCheckResult.Unhealthy(description, data: data)
            : fill >= DegradedAt ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Healthy(description, data));
    }
}
