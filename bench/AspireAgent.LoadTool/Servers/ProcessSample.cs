using System.Globalization;

namespace AspireAgent.LoadTool.Servers;

/// <summary>CPU time and memory of a process, read from /proc (Linux only, like the rest of the load tool).</summary>
internal readonly record struct ProcessSample(TimeSpan CpuTime, long RssBytes, long PeakRssBytes, int Threads, long At)
{
    // USER_HZ: 100 on every Linux the kernel ABI promises; /proc/pid/stat counts CPU time in these ticks.
    private const double TicksPerSecond = 100;

    public static ProcessSample Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name may contain spaces and parentheses: fields are counted after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var threads = int.Parse(fields[17], CultureInfo.InvariantCulture);

        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return new ProcessSample(TimeSpan.FromSeconds(ticks / TicksPerSecond), rss, peak, threads, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>Share of one core used between two samples (1.0 = one core busy).</summary>
    public static double CoresBetween(ProcessSample before, ProcessSample after) =>
        (after.CpuTime - before.CpuTime).TotalSeconds / System.Diagnostics.Stopwatch.GetElapsedTime(before.At, after.At).TotalSeconds;

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
