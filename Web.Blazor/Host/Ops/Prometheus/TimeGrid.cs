namespace AspireAgent.Web.Ops.Prometheus;

/// <summary>The evaluation times of a range query (start, start + step, …), onto which its points are laid.</summary>
public sealed class TimeGrid(long startMs, long stepMs, int points)
{
    public long[] Timestamps()
    {
        var timestamps = new long[points];
        for (var i = 0; i < points; i++)
        {
            timestamps[i] = startMs + (i * stepMs);
        }

        return timestamps;
    }

    public double?[] Empty() => new double?[points];

    /// <summary>
    /// One value per grid slot; slots Prometheus returned nothing for (no data, or a NaN such as a quantile over
    /// no observations) stay null, and so do infinities (a quantile beyond the last bucket), which no axis can draw.
    /// </summary>
    public double?[] Align(IReadOnlyList<(double Time, double Value)> samples)
    {
        var values = Empty();
        foreach (var (t, value) in samples)
        {
            var slot = (int)Math.Round(((t * 1000) - startMs) / stepMs);
            if (slot >= 0 && slot < points && double.IsFinite(value))
            {
                values[slot] = value;
            }
        }

        return values;
    }
}
