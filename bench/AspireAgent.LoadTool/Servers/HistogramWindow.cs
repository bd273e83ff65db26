namespace AspireAgent.LoadTool.Servers;

/// <summary>
/// The part of a server histogram recorded between two scrapes, with quantiles interpolated linearly inside a
/// bucket the way Prometheus' histogram_quantile does. Resolution is the bucket layout's, no finer.
/// </summary>
internal sealed class HistogramWindow(SortedDictionary<double, double> before, SortedDictionary<double, double> after)
{
    public double Count => after.Count == 0 ? 0 : after.Last().Value - before.GetValueOrDefault(after.Last().Key);

    /// <returns>The quantile in the histogram's unit, or NaN when nothing was recorded.</returns>
    public double Quantile(double q)
    {
        var total = Count;
        if (total <= 0)
        {
            return double.NaN;
        }

        var rank = q * total;
        var lowerBound = 0.0;
        var lowerCount = 0.0;
        foreach (var (bound, cumulative) in after)
        {
            var count = cumulative - before.GetValueOrDefault(bound);
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(bound))
                {
                    return lowerBound;
                }

                var inBucket = count - lowerCount;
                return inBucket <= 0 ? bound : lowerBound + (bound - lowerBound) * ((rank - lowerCount) / inBucket);
            }

            (lowerBound, lowerCount) = (bound, count);
        }

        return lowerBound;
    }
}
