using System.Threading.Channels;
using AspireAgent.Socket.Connections;
using AspireAgent.Socket.Options;

namespace AspireAgent.Socket.Flow;

/// <summary>
/// The acknowledgements one connection owes the producers of its streams, when its client does not
/// acknowledge itself. The writer records each chunk the socket took; an acknowledgement of the highest one
/// is handed to the <see cref="AcknowledgementFlusher"/> once <see cref="GatewayOptions.AcknowledgeEvery"/>
/// chunks were delivered since the last one, or <see cref="GatewayOptions.AcknowledgeAfter"/> after a
/// delivery at the latest, and at once when the stream ends or the connection closes.
/// </summary>
/// <remarks>
/// The producer pauses while it is its window (64 chunks) ahead of the acknowledgements. Holding back fewer
/// than <see cref="GatewayOptions.AcknowledgeEvery"/> of them, which the options validator keeps below the
/// window, cannot pause it: only a client that stops taking chunks can. Acknowledgements are cumulative, so
/// one that found the flusher's queue full is simply retried at the next deadline with a higher seq.
/// </remarks>
internal sealed class AcknowledgementBatcher : IDueCallback
{
    private readonly ChannelWriter<StreamAck> _sink;
    private readonly ConnectionTimers _timers;
    private readonly TimeProvider _time;
    private readonly int _every;
    private readonly TimeSpan _after;
    private readonly Lock _gate = new();

    // A connection follows a handful of streams at most (MaxStreamsPerConnection): a list beats a dictionary.
    private readonly List<Delivery> _streams = new(1);
    private bool _scheduled;

    public AcknowledgementBatcher(ChannelWriter<StreamAck> sink, ConnectionTimers timers, TimeProvider time, GatewayOptions options)
    {
        _sink = sink;
        _timers = timers;
        _time = time;
        _every = options.AcknowledgeEvery;
        _after = options.AcknowledgeAfter;
    }

    /// <summary>The socket took chunk <paramref name="seq"/> of the stream.</summary>
    public void Delivered(string streamId, long seq)
    {
        lock (_gate)
        {
            var delivery = Find(streamId) ?? Add(streamId);
            delivery.Delivered = Math.Max(delivery.Delivered, seq);
            if (++delivery.SinceAck >= _every && TryPost(delivery))
            {
                return;
            }

            ScheduleIfIdle();
        }
    }

    /// <summary>The stream's end went out: its last chunks are acknowledged now, not at the next deadline.</summary>
    public void Ended(string streamId)
    {
        lock (_gate)
        {
            if (Find(streamId) is not { } delivery)
            {
                return;
            }

            if (TryPost(delivery))
            {
                _streams.Remove(delivery);
                return;
            }

            // The flusher's queue is full: the next deadline retries, then forgets the stream.
            delivery.Ended = true;
            ScheduleIfIdle();
        }
    }

    /// <summary>Hands on every acknowledgement still held (the connection is closing).</summary>
    public void FlushAll()
    {
        lock (_gate)
        {
            foreach (var delivery in _streams)
            {
                TryPost(delivery);
            }
        }
    }

    void IDueCallback.OnDue(DateTimeOffset now)
    {
        lock (_gate)
        {
            _scheduled = false;
            var pending = false;
            for (var i = _streams.Count - 1; i >= 0; i--)
            {
                var delivery = _streams[i];
                if (!TryPost(delivery))
                {
                    pending = true;
                }
                else if (delivery.Ended)
                {
                    _streams.RemoveAt(i);
                }
            }

            if (pending)
            {
                ScheduleIfIdle();
            }
        }
    }

    // True when nothing of the stream is left unacknowledged.
    private bool TryPost(Delivery delivery)
    {
        if (delivery.Delivered <= delivery.Acknowledged)
        {
            return true;
        }

        if (!_sink.TryWrite(new StreamAck(delivery.StreamId, delivery.Delivered)))
        {
            return false;
        }

        delivery.Acknowledged = delivery.Delivered;
        delivery.SinceAck = 0;
        return true;
    }

    private void ScheduleIfIdle()
    {
        if (_scheduled)
        {
            return;
        }

        _scheduled = true;
        _timers.Schedule(this, _time.GetUtcNow() + _after);
    }

    private Delivery? Find(string streamId)
    {
        foreach (var delivery in _streams)
        {
            if (string.Equals(delivery.StreamId, streamId, StringComparison.Ordinal))
            {
                return delivery;
            }
        }

        return null;
    }

    private Delivery Add(string streamId)
    {
        var delivery = new Delivery(streamId);
        _streams.Add(delivery);
        return delivery;
    }

    private sealed class Delivery(string streamId)
    {
        public string StreamId { get; } = streamId;

        public long Delivered { get; set; } = -1;

        public long Acknowledged { get; set; } = -1;

        public int SinceAck { get; set; }

        public bool Ended { get; set; }
    }
}
