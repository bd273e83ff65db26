using AspireAgent.Web.Client.Ops;
using Microsoft.Extensions.Options;

namespace AspireAgent.Web.Ops.InProcess;

/// <summary>Standalone mode: the series are the sampler's points from this process's own meters.</summary>
public sealed class InProcessOpsMetricsSource(OpsSampleHistory history, IOptions<OpsOptions> options, TimeProvider time) : IOpsMetricsSource
{
    public Task<OpsSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var samples = history.Snapshot();
        var settings = options.Value;
        return Task.FromResult(new OpsSnapshot
        {
            Source = OpsSourceKind.InProcess,
            End = time.GetUtcNow().ToUnixTimeMilliseconds(),
            WindowSeconds = settings.Window.TotalSeconds,
            StepSeconds = settings.Interval.TotalSeconds,
            RateWindowSeconds = settings.RateWindow.TotalSeconds,
            Timestamps = [.. samples.Select(s => s.Time.ToUnixTimeMilliseconds())],
            Connections = [.. samples.Select(s => (double?)s.Connections)],
            ChunksPerSecond = [.. samples.Select(s => (double?)s.ChunksPerSecond)],
            TokensPerSecond = [.. samples.Select(s => (double?)s.TokensPerSecond)],
            DeliveryLatencyP50 = [.. samples.Select(s => s.DeliveryLatencyP50)],
            DeliveryLatencyP99 = [.. samples.Select(s => s.DeliveryLatencyP99)],
            TimeToFirstTokenP50 = [.. samples.Select(s => s.TimeToFirstTokenP50)],
            TimeToFirstTokenP99 = [.. samples.Select(s => s.TimeToFirstTokenP99)],
            Backlog = [.. samples.Select(s => (double?)s.Backlog)],
            Interrupts = [.. samples.Select(s => (double?)s.Interrupts)],
            Errors = [.. samples.Select(s => (double?)s.Errors)],
        });
    }
}
