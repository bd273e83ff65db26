using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AspireAgent.Protocol;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// The outbound queue of one connection: one bounded FIFO lane per <see cref="MessagePriority"/>, drained
/// highest lane first by the connection's single writer. A pong written after 10,000 queued chunks still goes
/// out next, and memory per connection is bounded by the lane capacities.
/// </summary>
/// <remarks>
/// Plain queues under one lock rather than a channel per lane: an idle connection holds two lanes (pings, and
/// the lane its welcome went through), and a bounded channel with its reusable waiters cost about 800 bytes a
/// lane where a queue costs under 100. A lane is created on its first frame. A producer that finds its lane
/// full waits in that lane's line and is let in, in order, as the writer takes frames: that wait is where a
/// slow client pushes back on its streams. The low lane never waits: it sheds its oldest frame.
/// </remarks>
internal sealed class PriorityOutbox(int laneCapacity, Action? onDropped = null)
{
    private static readonly int LaneCount = Enum.GetValues<MessagePriority>().Length;

    private readonly Queue<AgentMessage>?[] _lanes = new Queue<AgentMessage>?[LaneCount];
    private readonly Lock _gate = new();

    // Wakes the single writer once for whatever was queued since it last looked; it then drains every lane.
    private readonly WriterSignal _available = new();

    // Producers waiting for room, per lane; created when a lane first fills (only a slow client's connection).
    private Queue<RoomWaiter>?[]? _waiting;
    private int _count;
    private long _dropped;
    private bool _completed;

    /// <summary>Low-priority frames shed because their lane was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames waiting in every lane.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>No frame waits in any lane.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>
    /// Queues the frame, waiting for room in its lane. A waiting writer runs on the caller's thread until it
    /// waits again (see <see cref="WriterSignal.Set"/>).
    /// </summary>
    /// <exception cref="ChannelClosedException">The outbox was completed (the connection is closing).</exception>
    public ValueTask EnqueueAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        RoomWaiter waiter;
        lock (_gate)
        {
            switch (Add(message))
            {
                case Admission.Queued:
                    break;
                case Admission.Closed:
                    return ValueTask.FromException(new ChannelClosedException());
                default:
                    waiter = new RoomWaiter(message);
                    Line((int)message.Priority).Enqueue(waiter);
                    return waiter.WaitAsync(cancellationToken);
            }
        }

        _available.Set(runWriter: true);
        return default;
    }

    /// <summary>Queues without waiting; false when the lane is full (or the outbox completed).</summary>
    public bool TryEnqueue(AgentMessage message)
    {
        lock (_gate)
        {
            if (Add(message) != Admission.Queued)
            {
                return false;
            }
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
            if (TryDequeue(out var message, out var done))
            {
                return message;
            }

            if (done)
            {
                return null;
            }

            // A wake may find nothing (its frame was taken by the previous drain); then we simply wait again.
            await _available.WaitAsync();
        }
    }

    /// <summary>No more frames will be queued; waiting producers fail; <see cref="DequeueAsync"/> returns null once drained.</summary>
    public void Complete()
    {
        List<RoomWaiter>? refused = null;
        lock (_gate)
        {
            _completed = true;
            foreach (var line in _waiting ?? [])
            {
                while (line?.TryDequeue(out var waiter) == true)
                {
                    (refused ??= []).Add(waiter);
                }
            }
        }

        foreach (var waiter in refused ?? [])
        {
            waiter.Refuse();
        }

        _available.Set();
    }

    // Under _gate.
    private Admission Add(AgentMessage message)
    {
        if (_completed)
        {
            return Admission.Closed;
        }

        var index = (int)message.Priority;
        var lane = _lanes[index] ??= new Queue<AgentMessage>(4);
        if (lane.Count < laneCapacity)
        {
            lane.Enqueue(message);
            _count++;
            return Admission.Queued;
        }

        if (message.Priority != MessagePriority.Low)
        {
            return Admission.Full;
        }

        // The low lane sheds its oldest status frame instead of holding up the producer.
        lane.Dequeue();
        lane.Enqueue(message);
        Interlocked.Increment(ref _dropped);
        onDropped?.Invoke();
        return Admission.Queued;
    }

    private bool TryDequeue(out AgentMessage message, out bool done)
    {
        RoomWaiter? admitted = null;
        var found = false;
        message = null!;
        lock (_gate)
        {
            for (var index = 0; index < LaneCount && !found; index++)
            {
                if (_lanes[index] is not { Count: > 0 } lane)
                {
                    continue;
                }

                message = lane.Dequeue();
                _count--;
                found = true;

                // The frame taken made room: the first producer still waiting for it takes it, in order.
                while (admitted is null && _waiting?[index] is { Count: > 0 } line)
                {
                    var waiter = line.Dequeue();
                    if (waiter.TryAdmit())
                    {
                        lane.Enqueue(waiter.Message);
                        _count++;
                        admitted = waiter;
                    }
                }
            }

            done = !found && _completed;
        }

        admitted?.Admitted();
        return found;
    }

    private Queue<RoomWaiter> Line(int index) =>
        (_waiting ??= new Queue<RoomWaiter>?[LaneCount])[index] ??= new Queue<RoomWaiter>();

    private enum Admission
    {
        Queued,
        Full,
        Closed,
    }

    /// <summary>A producer waiting for room: let in by the writer, or given up by its cancellation or the close.</summary>
    private sealed class RoomWaiter(AgentMessage message)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _cancellation;

        // 0 waiting, 1 admitted, 2 given up: whoever moves it from 0 decides its outcome.
        private int _state;

        public AgentMessage Message => message;

        public async ValueTask WaitAsync(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(
                    static (state, token) => ((RoomWaiter)state!).GiveUp(new OperationCanceledException(token)), this);
            }

            try
            {
                await _done.Task.ConfigureAwait(false);
            }
            finally
            {
                await _cancellation.DisposeAsync().ConfigureAwait(false);
            }

            // Let in by the writer, which queued the frame as it took another and comes back for the next: no wake needed.
        }

        public bool TryAdmit() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void Admitted() => _done.TrySetResult();

        public void Refuse() => GiveUp(new ChannelClosedException());

        private void GiveUp(Exception reason)
        {
            // A waiter given up stays in its line until the writer reaches it and skips it.
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                _done.TrySetException(reason);
            }
        }
    }
}
