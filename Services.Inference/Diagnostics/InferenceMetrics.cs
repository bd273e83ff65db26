using System.Diagnostics.Metrics;
using AspireAgent.Protocol;

namespace AspireAgent.Inference.Diagnostics;

/// <summary>
/// The worker's instruments, on the <see cref="InferenceTelemetry.SourceName"/> meter: the design's business
/// metrics (time to first token, full response time, interrupt rate, session success rate, tokens/s).
/// </summary>
public sealed class InferenceMetrics
{
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _answers;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _pauses;
    private readonly UpDownCounter<long> _active;

    public InferenceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(InferenceTelemetry.SourceName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60, 120] };

        // Down to milliseconds: a hand-off or a first token takes tens of them, and a tail of tens more is the news.
        var fine = new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        };
        _queueWait = meter.CreateHistogram<double>("aspireagent.inference.queue.duration", "s",
            "From the gateway's submission to a worker starting the answer: the wait in the request queue.", advice: fine);
        _timeToFirstToken = meter.CreateHistogram<double>("aspireagent.inference.time_to_first_token", "s",
            "From the gateway's submission to the model's first token.", advice: fine);
        _duration = meter.CreateHistogram<double>("aspireagent.inference.response.duration", "s",
            "From the gateway's submission to the answer's end.", advice: seconds);
        _answers = meter.CreateCounter<long>("aspireagent.inference.answers", "{answer}",
            "Answers ended, by finish reason: stop, interrupted, length or error.");
        _tokens = meter.CreateCounter<long>("aspireagent.inference.tokens", "{token}",
            "Completion tokens generated (their rate is the throughput in tokens/s).");
        _pauses = meter.CreateCounter<long>("aspireagent.inference.backpressure.pauses", "{pause}",
            "Times an answer paused because its client was a window behind.");
        _active = meter.CreateUpDownCounter<long>("aspireagent.inference.answers.active", "{answer}",
            "Answers being generated now.");
    }

    /// <summary>An attempt at an answer started; <paramref name="queued"/> is its wait since submission, for the first attempt.</summary>
    public void Started(TimeSpan? queued)
    {
        _active.Add(1);
        if (queued is { } wait)
        {
            _queueWait.Record(Math.Max(0, wait.TotalSeconds));
        }
    }

    public void Paused() => _pauses.Add(1);

    /// <summary>An attempt at an answer stopped, however it ended.</summary>
    public void Stopped() => _active.Add(-1);

    public void Ended(AssistantEnd end)
    {
        var reason = new KeyValuePair<string, object?>("finish_reason", end.FinishReason.ToString().ToLowerInvariant());
        _answers.Add(1, reason);
        _tokens.Add(end.Usage.CompletionTokens);
        _duration.Record(end.Usage.DurationMs / 1000.0, reason);
        if (end.ChunkCount > 0)
        {
            _timeToFirstToken.Record(end.Usage.TimeToFirstTokenMs / 1000.0);
        }
    }
}
