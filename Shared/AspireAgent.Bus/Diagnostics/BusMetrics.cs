using System.Diagnostics.Metrics;

namespace AspireAgent.Bus.Diagnostics;

/// <summary>The bus's instruments, on the <see cref="MeterName"/> meter, whichever implementation is in use.</summary>
public static class BusMetrics
{
    public const string MeterName = "AspireAgent.Bus";

    /// <summary>Requests submitted but not yet taken by a worker: the bus lag the design asks to watch.</summary>
    public static void ObserveBacklog(IMeterFactory meters, Func<long> backlog) =>
        meters.Create(MeterName).CreateObservableGauge(
            "aspireagent.bus.requests.backlog", backlog, "{request}", "Chat requests waiting for a worker.");
}
