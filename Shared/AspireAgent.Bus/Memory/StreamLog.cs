using AspireAgent.Protocol;

namespace AspireAgent.Bus.Memory;

/// <summary>
/// One stream's events in memory: <c>assistant.start</c>, chunks by <c>seq</c> (with a reset before the
/// first chunk of each takeover), <c>assistant.end</c>. Readers wait on <see cref="_changed"/>, which is
/// replaced (and completed) on every append, so any number of readers follow without a queue per reader.
/// </summary>
internal sealed class StreamLog(StreamInfo info, int maxChunks, long maxBytes)
{
    private readonly Lock _gate = new();
    private readonly List<AgentMessage> _events = [];
    private readonly List<long> _resets = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _nextSeq;
    private long _textBytes;
    private long _epoch;
    private long _attempt;

    public StreamInfo Info { get; private set; } = info;

    /// <summary>Makes a new producer the only one allowed to append through <see cref="Append"/> with an epoch.</summary>
    public StreamProducer Acquire()
    {
        lock (_gate)
        {
            _attempt++;
            return NextHandle();
        }
    }

    /// <summary>A new handle for the same attempt, unless another producer acquired the stream since <paramref name="epoch"/>.</summary>
    public StreamProducer Renew(long epoch)
    {
        lock (_gate)
        {
            return epoch == _epoch ? NextHandle() : throw new StreamFencedException(Info.StreamId, epoch);
        }
    }

    /// <param name="epoch">The producer's epoch; null for an unfenced append.</param>
    public void Append(AgentMessage message, DateTimeOffset now, long? epoch = null) => Append([message], now, epoch);

    /// <summary>Appends every message or, when one breaks a rule, none: each is checked against the state the previous ones leave.</summary>
    /// <param name="epoch">The producer's epoch; null for an unfenced append.</param>
    public void Append(IReadOnlyList<AgentMessage> messages, DateTimeOffset now, long? epoch = null)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (epoch is { } producer && producer != _epoch)
            {
                throw new StreamFencedException(Info.StreamId, producer);
            }

            var started = _events.Count > 0;
            var nextSeq = _nextSeq;
            var textBytes = _textBytes;
            var endedAt = Info.EndedAt;
            var resets = new List<long>();
            foreach (var message in messages)
            {
                if (endedAt is not null)
                {
                    throw new InvalidOperationException($"Stream '{Info.StreamId}' has ended; nothing can follow its end.");
                }

                switch (message)
                {
                    case AssistantStart when !started:
                        started = true;
                        break;
                    case AssistantChunk chunk when started && chunk.Seq == nextSeq:
                        if (chunk.Seq >= maxChunks)
                        {
                            throw new InvalidOperationException($"Stream '{Info.StreamId}' reached its limit of {maxChunks} chunks.");
                        }

                        textBytes += System.Text.Encoding.UTF8.GetByteCount(chunk.Delta);
                        if (textBytes > maxBytes)
                        {
                            throw new InvalidOperationException($"Stream '{Info.StreamId}' reached its limit of {maxBytes} bytes.");
                        }

                        nextSeq++;
                        break;
                    case ControlMessage when started && StreamReset.TryRead(message, out var resetSeq) && resetSeq == nextSeq:
                        resets.Add(resetSeq);
                        break;
                    case AssistantEnd when started:
                        endedAt = now;
                        break;
                    default:
                        throw new InvalidOperationException(
                            $"Stream '{Info.StreamId}' expected {(started ? $"chunk seq {nextSeq}, a reset or the end" : "assistant.start")}, got {Describe(message)}.");
                }
            }

            // Every message passed: only now does the stream change, so a refused batch leaves no trace.
            _events.AddRange(messages);
            _resets.AddRange(resets);
            _nextSeq = nextSeq;
            _textBytes = textBytes;
            if (endedAt != Info.EndedAt)
            {
                Info = Info with { EndedAt = endedAt };
            }

            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private StreamProducer NextHandle()
    {
        _epoch++;
        return new StreamProducer
        {
            StreamId = Info.StreamId,
            Epoch = _epoch,
            Attempt = _attempt,
            Started = _events.Count > 0,
            NextSeq = _nextSeq,
            End = Info.EndedAt is null ? null : (AssistantEnd)_events[^1],
        };
    }

    /// <summary>The index of the event that follows chunk <paramref name="seq"/>: start, chunks 0..seq and the resets among them come before.</summary>
    public int IndexAfterChunk(long seq)
    {
        lock (_gate)
        {
            return checked((int)(seq + 2 + _resets.Count(reset => reset <= seq)));
        }
    }

    /// <summary>Copies events from <paramref name="index"/> on; returns the signal to await for more.</summary>
    public Task ReadFrom(int index, List<AgentMessage> into, out bool ended)
    {
        lock (_gate)
        {
            for (var i = index; i < _events.Count; i++)
            {
                into.Add(_events[i]);
            }

            ended = Info.EndedAt is not null;
            return _changed.Task;
        }
    }

    private static string Describe(AgentMessage message) =>
        message is AssistantChunk chunk ? $"chunk seq {chunk.Seq}" : message.Type;

    // Readers continue on the appender's thread (it completes the signal outside the lock): a reader only copies
    // the new events and hands them on, and a thread-pool wake per append cost more than that work.
    private static TaskCompletionSource NewSignal() => new();
}
