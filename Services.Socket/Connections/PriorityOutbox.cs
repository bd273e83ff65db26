using System.Threading.Channels;
using AspireAgent.Protocol;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// The outbound queue of one connection: one bounded channel per <see cref="MessagePriority"/> lane,
/// drained highest lane first by the connection's single writer. A pong written after 10,000 queued chunks
/// still goes out next, and memory per connection is bounded by the lane capacities.
/// </summary>
internal sealed class PriorityOutbox
{
    private static readonly int LaneCount = Enum.GetValues<MessagePriority>().Length;

    private readonly Channel<AgentMessage>[] _lanes;

    // Counts items across lanes so the writer can wait on "anything" without polling each lane.
    private readonly SemaphoreSlim _available = new(0);
    private long _dropped;

    public PriorityOutbox(int laneCapacity)
    {
        _lanes = new Channel<AgentMessage>[LaneCount];
        for (var lane = 0; lane < LaneCount; lane++)
        {
            var low = lane == (int)MessagePriority.Low;
            _lanes[lane] = Channel.CreateBounded<AgentMessage>(
                new BoundedChannelOptions(laneCapacity)
                {
                    SingleReader = true,
                    // The low lane sheds its oldest status frames instead of holding up the producer.
                    FullMode = low ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
                },
                low ? _ => Interlocked.Increment(ref _dropped) : null);
        }
    }

    /// <summary>Low-priority frames shed because their lane was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames waiting in every lane.</summary>
    public int Count => _lanes.Sum(lane => lane.Reader.Count);

    /// <summary>Waits for room in the message's lane: this is where a slow client pushes back on its streams.</summary>
    public async ValueTask EnqueueAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        await _lanes[(int)message.Priority].Writer.WriteAsync(message, cancellationToken);
        _available.Release();
    }

    /// <summary>Queues without waiting; false when the lane is full (or the outbox completed).</summary>
    public bool TryEnqueue(AgentMessage message)
    {
        if (!_lanes[(int)message.Priority].Writer.TryWrite(message))
        {
            return false;
        }

        _available.Release();
        return true;
    }

    /// <summary>The next frame to write, highest lane first; null once <see cref="Complete"/> was called and all is drained.</summary>
    public async ValueTask<AgentMessage?> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryDequeue(out var message))
            {
                return message;
            }

            if (_lanes.All(lane => lane.Reader.Completion.IsCompleted))
            {
                return null;
            }

            // A count may outlive its item (the low lane dropped it); then we simply look again.
            await _available.WaitAsync(cancellationToken);
        }
    }

    /// <summary>No more frames will be queued; <see cref="DequeueAsync"/> returns null once drained.</summary>
    public void Complete()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        _available.Release();
    }

    private bool TryDequeue(out AgentMessage message)
    {
        foreach (var lane in _lanes)
        {
            if (lane.Reader.TryRead(out message!))
            {
                return true;
            }
        }

        message = null!;
        return false;
    }
}
