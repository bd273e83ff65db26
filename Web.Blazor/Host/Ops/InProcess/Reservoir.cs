namespace AspireAgent.Web.Ops.InProcess;

/// <summary>
/// The recordings of one histogram over one interval, for its percentiles. Bounded: past
/// <see cref="Capacity"/> recordings it keeps a uniform random sample of them (Vitter's algorithm R), so a
/// busy second costs the same memory as a quiet one and the percentiles stay unbiased.
/// </summary>
public sealed class Reservoir(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private int _count;
    private long _seen;

    public int Capacity => _values.Length;

    /// <summary>Every recording offered, kept or not.</summary>
    public long Seen => _seen;

    public ReadOnlySpan<double> Values => _values.AsSpan(0, _count);

    public void Add(double value)
    {
        _seen++;
        if (_count < _values.Length)
        {
            _values[_count++] = value;
            return;
        }

        var slot = Random.Shared.NextInt64(_seen);
        if (slot < _values.Length)
        {
            _values[slot] = value;
        }
    }

    /// <summary>
    /// The nearest-rank percentile (the smallest value with at least <paramref name="quantile"/> of the values at
    /// or below it): always a value that was recorded, never an interpolation between two. Null when empty.
    /// </summary>
    public static double? Percentile(List<double> values, double quantile)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var rank = (int)Math.Ceiling(quantile * values.Count);
        return values[Math.Clamp(rank, 1, values.Count) - 1];
    }
}
