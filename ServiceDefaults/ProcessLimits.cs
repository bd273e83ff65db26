using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace AspireAgent.ServiceDefaults;

/// <summary>
/// Publishes the memory the process may use (the container's limit when there is one, as the GC sees it),
/// so that memory alerts can be a fraction of capacity — the design's 70 % / 85 % — rather than a byte count
/// that is wrong on every other machine size.
/// </summary>
internal sealed class ProcessLimits(IMeterFactory meters) : IHostedService
{
    public const string MeterName = "AspireAgent.Process";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(
            "aspireagent.process.memory.limit",
            static () => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            "By",
            "Memory available to this process: the container limit, else the machine's memory.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
