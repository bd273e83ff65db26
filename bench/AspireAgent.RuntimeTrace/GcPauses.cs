using System.Diagnostics.Tracing;
using System.Globalization;

namespace AspireAgent.RuntimeTrace;

/// <summary>
/// Every GC in the window: when, which generation, how long the process was paused (suspension to restart), and
/// how much survived into the next generation. Pause length follows the bytes promoted, which is what retained
/// answers and in-flight state cost; dotnet-counters shows only the total.
/// </summary>
internal static class GcPauses
{
    public static async Task<int> RunAsync(int pid, TimeSpan duration)
    {
        var pauses = new List<double>();
        double? first = null;
        var suspendedAt = 0.0;
        var generation = -1;
        await RuntimeSession.RunAsync(pid, duration, EventLevel.Informational, source =>
        {
            source.Clr.GCStart += e => generation = e.Depth;
            source.Clr.GCSuspendEEStart += e =>
            {
                suspendedAt = e.TimeStampRelativeMSec;
                first ??= suspendedAt;
            };
            source.Clr.GCRestartEEStop += e =>
            {
                var pause = e.TimeStampRelativeMSec - suspendedAt;
                pauses.Add(pause);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"t = {suspendedAt - first,7:F0} ms  gen{generation}  pause {pause,6:F1} ms"));
            };
            source.Clr.GCHeapStats += e => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    promoted gen0→1 {e.TotalPromotedSize0 / 1e6:F1} MB, gen1→2 {e.TotalPromotedSize1 / 1e6:F1} MB; gen2 {e.GenerationSize2 / 1e6:F0} MB"));
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{pauses.Count} GCs in {duration.TotalSeconds:F0} s, paused {pauses.Sum():F0} ms in all, longest {(pauses.Count > 0 ? pauses.Max() : 0):F1} ms"));
        return 0;
    }
}
