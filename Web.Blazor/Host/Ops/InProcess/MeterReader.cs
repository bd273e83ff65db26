using System.Diagnostics.Metrics;

namespace AspireAgent.Web.Ops.InProcess;

/// <summary>
/// Listens to the gateway's, worker's and bus's instruments in this process and accumulates what they record
/// until the sampler collects it. Only meters made by this host's <see cref="IMeterFactory"/> count: a
/// <see cref="MeterListener"/> sees every meter of the process, and tests running side by side must not see
/// each other's measurements.
/// </summary>
public sealed class MeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _scope;
    private readonly Lock _gate = new();
    private IntervalRecordings _current = new();
    private long _connections;

    // Written only from inside RecordObservableInstruments, which runs the callbacks on the collecting thread.
    private long _backlogObserved;
    private bool _backlogSeen;
    private long _chunksObserved;

    // The chunks-sent total at the previous collection: the counter is observed as a running total.
    private long _chunksBefore;

    public MeterReader(IMeterFactory meters)
    {
        _scope = meters;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<double>(OnDouble);
    }

    /// <summary>Starts listening: instruments already created are picked up, later ones as they appear.</summary>
    public void Start() => _listener.Start();

    /// <summary>Hands over what was recorded since the last call and reads the gauges.</summary>
    public MeterReading Collect()
    {
        IntervalRecordings finished;
        lock (_gate)
        {
            finished = _current;
            _current = new IntervalRecordings();
        }

        _backlogObserved = 0;
        _backlogSeen = false;
        _chunksObserved = 0;
        _listener.RecordObservableInstruments();
        finished.ChunksSent = _chunksObserved - _chunksBefore;
        _chunksBefore = _chunksObserved;
        return new MeterReading(finished, Interlocked.Read(ref _connections), _backlogSeen ? _backlogObserved : null);
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (ReferenceEquals(instrument.Meter.Scope, _scope)
            && TrackedInstruments.Find(instrument.Meter.Name, instrument.Name) is { } tracked)
        {
            listener.EnableMeasurementEvents(instrument, tracked);
        }
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch ((TrackedInstrument)state!)
        {
            case TrackedInstrument.Connections:
                Interlocked.Add(ref _connections, value);
                break;
            case TrackedInstrument.Backlog:
                _backlogObserved += value;
                _backlogSeen = true;
                break;
            case TrackedInstrument.MessagesSent when Tag(tags, "type") is "assistant.chunk":
                _chunksObserved += value; // one running total per lane, observed at collection
                break;
            case TrackedInstrument.Tokens:
                lock (_gate)
                {
                    _current.Tokens += value;
                }

                break;
            case TrackedInstrument.Answers:
                var reason = Tag(tags, "finish_reason");
                lock (_gate)
                {
                    if (reason is "interrupted")
                    {
                        _current.Interrupts += value;
                    }
                    else if (reason is "error")
                    {
                        _current.Errors += value;
                    }
                }

                break;
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        // One short lock per recording: the listener exists only in standalone mode, a single node.
        lock (_gate)
        {
            switch ((TrackedInstrument)state!)
            {
                case TrackedInstrument.DeliveryLatency:
                    _current.DeliveryLatency.Add(value);
                    break;
                case TrackedInstrument.TimeToFirstToken:
                    _current.TimeToFirstToken.Add(value);
                    break;
            }
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
