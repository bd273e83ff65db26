using System.Diagnostics.Tracing;
using System.Globalization;

namespace AspireAgent.RuntimeTrace;

/// <summary>
/// Bytes allocated by type in the window, from the runtime's allocation sampling (one event per ~100 KB
/// allocated, naming the type that crossed the mark): shares, not exact counts. Divide the total by the load
/// tool's tokens for bytes per token.
/// </summary>
internal static class AllocationsByType
{
    public static async Task<int> RunAsync(int pid, TimeSpan duration, int top)
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        await RuntimeSession.RunAsync(pid, duration, EventLevel.Verbose, source =>
            source.Clr.GCAllocationTick += e =>
            {
                var type = e.TypeName ?? "?";
                bytes[type] = bytes.GetValueOrDefault(type) + e.AllocationAmount64;
                total += e.AllocationAmount64;
            });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled {total / 1e6:F1} MB allocated in {duration.TotalSeconds:F0} s"));
        foreach (var (type, amount) in bytes.OrderByDescending(kv => kv.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * amount / Math.Max(total, 1),6:F2} %  {type}"));
        }

        return 0;
    }
}
