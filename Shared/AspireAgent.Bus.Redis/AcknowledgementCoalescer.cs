namespace AspireAgent.Bus.Redis;

/// <summary>
/// Which acknowledgements are worth a Redis round trip: per stream, one is due once it acknowledges
/// <see cref="RedisBusOptions.AcknowledgeEvery"/> chunks beyond the last one sent, or once it has waited
/// <see cref="RedisBusOptions.AcknowledgeAfter"/>; the ones in between only raise what the next one says.
/// </summary>
/// <remarks>
/// Acknowledgements are cumulative, so holding one back delays the producer's credit but never loses it. A
/// producer waiting for credit has every chunk of its window delivered, so the client's acknowledgement of
/// them is a whole window beyond the last one sent (due at once), or comes within the delay: the producer is
/// never held longer than <see cref="RedisBusOptions.AcknowledgeAfter"/>. Used by one thread (the publisher's loop).
/// </remarks>
internal sealed class AcknowledgementCoalescer(int every, TimeSpan after, TimeProvider time)
{
    // A stream with nothing held is forgotten after this long without an acknowledgement (its answer ended).
    private static readonly TimeSpan Forget = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, Held> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _due = new(StringComparer.Ordinal);

    /// <summary>Streams known: those with something held, and those acknowledged within the last minute.</summary>
    public int Count => _streams.Count;

    public void Add(string streamId, long seq)
    {
        if (!_streams.TryGetValue(streamId, out var held))
        {
            // The first acknowledgement of a stream this process sees goes at once: what was sent before is unknown.
            held = new Held();
            _streams[streamId] = held;
            held.Sent = seq - every;
        }

        if (seq <= held.Highest)
        {
            return;
        }

        if (held.Highest <= held.Sent)
        {
            held.Since = time.GetTimestamp();
        }

        held.Highest = seq;
        held.Last = time.GetTimestamp();
        if (held.Highest - held.Sent >= every)
        {
            _due[streamId] = seq;
        }
    }

    /// <summary>
    /// Moves into <paramref name="into"/> the acknowledgements due: those far enough ahead, and, when
    /// <paramref name="timed"/>, those that waited long enough (or, at the end, every one held).
    /// </summary>
    public void TakeDue(Dictionary<string, long> into, bool timed, bool all = false)
    {
        foreach (var (streamId, seq) in _due)
        {
            into[streamId] = seq;
            _streams[streamId].Sent = seq;
        }

        _due.Clear();
        if (!timed && !all)
        {
            return;
        }

        List<string>? forgotten = null;
        foreach (var (streamId, held) in _streams)
        {
            if (held.Highest > held.Sent && (all || time.GetElapsedTime(held.Since) >= after))
            {
                into[streamId] = held.Highest;
                held.Sent = held.Highest;
            }
            else if (held.Highest <= held.Sent && time.GetElapsedTime(held.Last) >= Forget)
            {
                (forgotten ??= []).Add(streamId);
            }
        }

        forgotten?.ForEach(streamId => _streams.Remove(streamId));
    }

    private sealed class Held
    {
        public long Sent { get; set; }

        public long Highest { get; set; } = long.MinValue;

        public long Since { get; set; }

        public long Last { get; set; }
    }
}
