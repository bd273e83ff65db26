namespace AspireAgent.LoadTool.Stats;

/// <summary>
/// Latencies in milliseconds, kept exactly (no histogram rounding) up to a bound, so P999 of a run is the real
/// one. One instance per client task: no locking on the hot path; merged at the end of a run.
/// </summary>
internal sealed class LatencySamples
{
    private const int MaxSamples = 4_000_000;
    private readonly List<float> _values = [];

    public int Dropped { get; private set; }

    public void Add(double milliseconds)
    {
        if (_values.Count < MaxSamples)
        {
            _values.Add((float)milliseconds);
        }
        else
        {
            Dropped++;
        }
    }

    public static float[] Merge(IEnumerable<LatencySamples> parts)
    {
        var all = parts.SelectMany(p => p._values).ToArray();
        Array.Sort(all);
        return all;
    }

    /// <summary>Nearest-rank percentile of sorted values; NaN for none.</summary>
    public static double Percentile(float[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
