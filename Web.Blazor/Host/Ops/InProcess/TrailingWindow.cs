namespace AspireAgent.Web.Ops.InProcess;

/// <summary>
/// The last few intervals' recordings, for the series one interval is too short for: a time to first token is
/// recorded once per answer, so a one-second interval rarely holds two and its "P99" would be one answer;
/// interrupts and errors are rare events whose count per second is mostly zero. Over the trailing window they
/// read like Prometheus's <c>histogram_quantile(…rate(…[1m]))</c> and <c>increase(…[1m])</c>.
/// </summary>
public sealed class TrailingWindow(int intervals)
{
    private readonly RingBuffer<IntervalRecordings> _intervals = new(intervals);

    public void Add(IntervalRecordings interval) => _intervals.Add(interval);

    public (double? P50, double? P99) TimeToFirstToken()
    {
        var values = new List<double>();
        foreach (var interval in _intervals.ToArray())
        {
            values.AddRange(interval.TimeToFirstToken.Values);
        }

        return (Reservoir.Percentile(values, 0.50), Reservoir.Percentile(values, 0.99));
    }

    /// <summary>
    /// Events per second over the whole window, not per interval: tokens are counted when an answer ends, so a
    /// per-interval rate would draw each answer as one spike; over the window it is the steady throughput.
    /// </summary>
    public double PerSecond(Func<IntervalRecordings, long> count)
    {
        var intervals = _intervals.ToArray();
        var seconds = intervals.Sum(i => i.Seconds);
        return seconds > 0 ? intervals.Sum(count) / seconds : 0;
    }

    public long Interrupts() => _intervals.ToArray().Sum(i => i.Interrupts);

    public long Errors() => _intervals.ToArray().Sum(i => i.Errors);
}
