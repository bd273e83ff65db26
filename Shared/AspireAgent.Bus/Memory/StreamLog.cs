using System.Runtime.InteropServices;
using AspireAgent.Protocol;

namespace AspireAgent.Bus.Memory;

/// <summary>
/// One stream's events in memory: <c>assistant.start</c>, chunks by <c>seq</c> (with a reset before the
/// first chunk of each takeover), <c>assistant.end</c>. A reader that has read everything waits with its own
/// <see cref="LogWaiter"/>, which the next append wakes, so any number of readers follow without a queue per reader.
/// Once ended, the events are kept as a <see cref="SealedStream"/> for the stream's retention.
/// </summary>
internal sealed class StreamLog(StreamInfo info, int maxChunks, long maxBytes)
{
    private readonly Lock _gate = new();
    private List<AgentMessage>? _events = [];
    private SealedStream? _sealed;
    private readonly List<long> _resets = [];
    private long _nextSeq;
    private long _textBytes;
    private long _epoch;
    private long _attempt;

    // Almost every stream has one reader (the gateway's relay); a second one only costs a list while it waits.
    private LogWaiter? _waiter;
    private List<LogWaiter>? _moreWaiters;

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
    public void Append(AgentMessage message, DateTimeOffset now, long? epoch = null) =>
        Append(new ReadOnlySpan<AgentMessage>(in message), now, epoch);

    /// <summary>Appends every message or, when one breaks a rule, none: each is checked against the state the previous ones leave.</summary>
    /// <param name="epoch">The producer's epoch; null for an unfenced append.</param>
    public void Append(IReadOnlyList<AgentMessage> messages, DateTimeOffset now, long? epoch = null) =>
        Append(messages switch
        {
            AgentMessage[] array => array,
            List<AgentMessage> list => CollectionsMarshal.AsSpan(list),
            _ => messages.ToArray(),
        }, now, epoch);

    private void Append(ReadOnlySpan<AgentMessage> messages, DateTimeOffset now, long? epoch)
    {
        LogWaiter? waiter;
        List<LogWaiter>? moreWaiters;
        lock (_gate)
        {
            var check = Begin(epoch);
            foreach (var message in messages)
            {
                check.Next(message, now, maxChunks, maxBytes);
            }

            // Every message passed: only now does the stream change, so a refused batch leaves no trace.
            _events!.AddRange(messages);
            Commit(check);
            (waiter, moreWaiters) = TakeWaiters();
        }

        Wake(waiter, moreWaiters);
    }

    /// <summary>The index of the event that follows chunk <paramref name="seq"/>: start, chunks 0..seq and the resets among them come before.</summary>
    public int IndexAfterChunk(long seq)
    {
        lock (_gate)
        {
            return checked((int)(seq + 2 + _resets.Count(reset => reset <= seq)));
        }
    }

    /// <summary>Copies events from <paramref name="index"/> on.</summary>
    /// <returns>Whether the stream has ended.</returns>
    public bool ReadFrom(int index, List<AgentMessage> into)
    {
        lock (_gate)
        {
            if (_sealed is { } sealedEvents)
            {
                for (var i = index; i < sealedEvents.Count; i++)
                {
                    into.Add(sealedEvents[i]);
                }
            }
            else
            {
                for (var i = index; i < _events!.Count; i++)
                {
                    into.Add(_events[i]);
                }
            }

            return Info.EndedAt is not null;
        }
    }

    /// <summary>Completes once the log holds more than <paramref name="index"/> events or has ended: at once if it does already.</summary>
    public ValueTask WaitBeyondAsync(int index, LogWaiter waiter)
    {
        lock (_gate)
        {
            if (EventCount > index || Info.EndedAt is not null)
            {
                return ValueTask.CompletedTask;
            }

            if (_waiter is null || _waiter == waiter)
            {
                _waiter = waiter;
            }
            else if (!(_moreWaiters ??= []).Contains(waiter))
            {
                _moreWaiters.Add(waiter);
            }

            return waiter.Arm();
        }
    }

    private AppendCheck Begin(long? epoch)
    {
        if (epoch is { } producer && producer != _epoch)
        {
            throw new StreamFencedException(Info.StreamId, producer);
        }

        return new AppendCheck(Info.StreamId, EventCount > 0, _nextSeq, _textBytes, Info.EndedAt);
    }

    private void Commit(AppendCheck check)
    {
        if (check.Resets is { } resets)
        {
            _resets.AddRange(resets);
        }

        _nextSeq = check.NextSeq;
        _textBytes = check.TextBytes;
        if (check.EndedAt != Info.EndedAt)
        {
            Info = Info with { EndedAt = check.EndedAt };

            // Nothing can be appended after the end: the events are only read from now on, for the retention.
            if (_resets.Count == 0 && SealedStream.TryCreate(Info.StreamId, _events!) is { } sealedEvents)
            {
                _sealed = sealedEvents;
                _events = null;
            }
        }
    }

    private int EventCount => _sealed?.Count ?? _events!.Count;

    private (LogWaiter?, List<LogWaiter>?) TakeWaiters()
    {
        var taken = (_waiter, _moreWaiters);
        _waiter = null;
        _moreWaiters = null;
        return taken;
    }

    // Outside the lock: a woken reader continues on this thread and reads the log again.
    private static void Wake(LogWaiter? waiter, List<LogWaiter>? moreWaiters)
    {
        waiter?.Signal();
        if (moreWaiters is not null)
        {
            foreach (var other in moreWaiters)
            {
                other.Signal();
            }
        }
    }

    private StreamProducer NextHandle()
    {
        _epoch++;
        return new StreamProducer
        {
            StreamId = Info.StreamId,
            Epoch = _epoch,
            Attempt = _attempt,
            Started = EventCount > 0,
            NextSeq = _nextSeq,
            End = Info.EndedAt is null ? null : _sealed?.End ?? (AssistantEnd)_events![^1],
        };
    }
}
