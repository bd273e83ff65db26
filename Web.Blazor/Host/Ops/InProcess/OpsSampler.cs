using Microsoft.Extensions.Options;

namespace AspireAgent.Web.Ops.InProcess;

/// <summary>
/// Takes one point of every series each <see cref="OpsOptions.Interval"/> from this process's meters into the
/// bounded <see cref="OpsSampleHistory"/>. Rates are means over the trailing <see cref="OpsOptions.RateWindow"/>
/// (as Prometheus's <c>rate(…[window])</c>), dividing by the time actually elapsed, not the nominal interval, so
/// a late tick (a busy thread pool, a paused debugger) does not inflate them.
/// </summary>
public sealed partial class OpsSampler(
    MeterReader reader,
    OpsSampleHistory history,
    IOptions<OpsOptions> options,
    TimeProvider time,
    ILogger<OpsSampler> logger) : BackgroundService
{
    private readonly TrailingWindow _trailing = new(options.Value.RateWindowIntervals);
    private long _previous;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the server starts (hosted services start first), so no connection opens unseen: the connection
        // count is a running sum of the up-down counter's changes since this moment.
        Begin();
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Starts listening and the first interval; the loop calls it on start, tests without the loop call it themselves.</summary>
    public void Begin()
    {
        _previous = time.GetTimestamp();
        reader.Start();
    }

    /// <summary>Closes the current interval: collects the meters, computes its point, appends it.</summary>
    public OpsSample SampleOnce()
    {
        var reading = reader.Collect();
        var now = time.GetTimestamp();
        var seconds = Math.Max(time.GetElapsedTime(_previous, now).TotalSeconds, 1e-3);
        _previous = now;

        var interval = reading.Interval;
        interval.Seconds = seconds;
        _trailing.Add(interval);
        var latencies = new List<double>(interval.DeliveryLatency.Values.ToArray());
        var (firstTokenP50, firstTokenP99) = _trailing.TimeToFirstToken();
        var sample = new OpsSample(
            time.GetUtcNow(),
            reading.Connections,
            _trailing.PerSecond(i => i.ChunksSent),
            _trailing.PerSecond(i => i.Tokens),
            Reservoir.Percentile(latencies, 0.50),
            Reservoir.Percentile(latencies, 0.99),
            firstTokenP50,
            firstTokenP99,
            reading.Backlog,
            _trailing.Interrupts(),
            _trailing.Errors());
        history.Add(sample);
        return sample;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogSampling(options.Value.Interval, history.Capacity);
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                SampleOnce();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Ops view: sampling this process's meters every {Interval}, keeping {Points} points")]
    private partial void LogSampling(TimeSpan interval, int points);
}
