using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AspireAgent.Protocol;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// The outbound queue of one connection: one bounded channel per <see cref="MessagePriority"/> lane,
/// drained highest lane first by the connection's single writer. A pong written after 10,000 queued chunks
/// still goes out next, and memory per connection is bounded by the lane capacities.
/// </summary>
/// <remarks>
/// A lane's channel is created on its first frame: an idle connection only ever uses the critical lane (pings),
/// so it does not carry the other three channels.
/// </remarks>
internal sealed class PriorityOutbox(int laneCapacity, Action? onDropped = null)
{
    private static readonly int LaneCount = Enum.GetValues<MessagePriority>().Length;

    private readonly Channel<AgentMessage>?[] _lanes = new Channel<AgentMessage>?[LaneCount];
    private readonly Lock _gate = new();

    // Wakes the single writer once for whatever was queued since it last looked; it then drains every lane.
    private readonly WriterSignal _available = new();
    private long _dropped;
    private bool _completed;

    /// <summary>Low-priority frames shed because their lane was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames waiting in every lane.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var lane in _lanes)
            {
                count += lane?.Reader.Count ?? 0;
            }

            return count;
        }
    }

    /// <summary>No frame waits in any lane.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>
    /// Waits for room in the message's lane: this is where a slow client pushes back on its streams. A waiting
    /// writer runs on the caller's thread until it waits again (see <see cref="WriterSignal.Set"/>).
    /// </summary>
    /// <remarks>A lane with room takes the frame synchronously: no state machine or task per chunk.</remarks>
    public ValueTask EnqueueAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var lane = Lane(message.Priority);
        if (lane.Writer.TryWrite(message))
        {
            _available.Set(runWriter: true);
            return default;
        }

        return WaitForRoomAsync(lane, message, cancellationToken);
    }

    /// <summary>Queues without waiting; false when the lane is full (or the outbox completed).</summary>
    public bool TryEnqueue(AgentMessage message)
    {
        if (!Lane(message.Priority).Writer.TryWrite(message))
        {
            return false;
        }

        _available.Set();
        return true;
    }

    /// <summary>The next frame to write, highest lane first; null once <see cref="Complete"/> was called and all is drained.</summary>
    /// <remarks>Single reader. Not cancellable: <see cref="Complete"/>, which every end of a connection calls, ends the wait.</remarks>
    // Pooled: the writer awaits this once per wake, and a boxed state machine per wake is garbage per burst.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AgentMessage?> DequeueAsync()
    {
        while (true)
        {
            if (TryDequeue(out var message))
            {
                return message;
            }

            if (AllCompleted())
            {
                return null;
            }

            // A wake may find nothing (its frame was taken by the previous drain); then we simply wait again.
            await _available.WaitAsync();
        }
    }

    /// <summary>No more frames will be queued; <see cref="DequeueAsync"/> returns null once drained.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            foreach (var lane in _lanes)
            {
                lane?.Writer.TryComplete();
            }
        }

        _available.Set();
    }

    private async ValueTask WaitForRoomAsync(Channel<AgentMessage> lane, AgentMessage message, CancellationToken cancellationToken)
    {
        await lane.Writer.WriteAsync(message, cancellationToken);
        _available.Set(runWriter: true);
    }

    private Channel<AgentMessage> Lane(MessagePriority priority)
    {
        var index = (int)priority;
        if (Volatile.Read(ref _lanes[index]) is { } existing)
        {
            return existing;
        }

        lock (_gate)
        {
            if (_lanes[index] is { } raced)
            {
                return raced;
            }

            var lane = Create(priority == MessagePriority.Low);
            if (_completed)
            {
                // Created after Complete: born completed, so writes fail as they would on the others.
                lane.Writer.TryComplete();
            }

            Volatile.Write(ref _lanes[index], lane);
            return lane;
        }
    }

    private Channel<AgentMessage> Create(bool low) =>
        Channel.CreateBounded<AgentMessage>(
            new BoundedChannelOptions(laneCapacity)
            {
                SingleReader = true,
                // The low lane sheds its oldest status frames instead of holding up the producer.
                FullMode = low ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            },
            low ? _ =>
            {
                Interlocked.Increment(ref _dropped);
                onDropped?.Invoke();
            }
            : null);

    private bool AllCompleted()
    {
        lock (_gate)
        {
            if (!_completed)
            {
                return false;
            }
        }

        foreach (var lane in _lanes)
        {
            if (lane is not null && !lane.Reader.Completion.IsCompleted)
            {
                return false;
            }
        }

        return true;
    }

    private bool TryDequeue(out AgentMessage message)
    {
        foreach (var lane in _lanes)
        {
            if (lane is not null && lane.Reader.TryRead(out message!))
            {
                return true;
            }
        }

        message = null!;
        return false;
    }
}
