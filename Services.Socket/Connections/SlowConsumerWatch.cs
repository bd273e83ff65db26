using System.Collections.Concurrent;
using AspireAgent.Protocol;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// Tells when a client has stopped taking its answers: something is owed to it (frames queued, a write in
/// progress, or stream chunks written but not acknowledged) and for <c>SlowConsumerTimeout</c> no stream
/// frame went out and no acknowledgement came in.
/// </summary>
/// <remarks>
/// Watching progress rather than a full lane matters because whichever pauses first stops the other: the
/// producer's acknowledgement window (64 chunks) usually pauses the answer long before the 256-frame lane
/// fills, and a socket that stopped taking bytes blocks the writer with the lane nowhere near full.
/// Heartbeats are not progress: a ping written every interval says nothing about the answer.
/// </remarks>
internal sealed class SlowConsumerWatch(PriorityOutbox outbox, TimeSpan timeout)
{
    // Per stream being relayed: the highest chunk seq written and the highest one acknowledged. Created by the
    // first chunk written: an idle connection owes nothing.
    private ConcurrentDictionary<string, Delivery>? _deliveries;
    private long _progress;
    private int _writing;
    private long _seenProgress = -1;
    private DateTimeOffset _stalledSince;

    /// <summary>How often <see cref="IsStalled"/> should be asked: a tenth of the timeout, at most a second.</summary>
    public TimeSpan CheckInterval { get; } = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));

    public void WriteStarting() => Interlocked.Exchange(ref _writing, 1);

    /// <summary>The socket took <paramref name="message"/>.</summary>
    public void Written(AgentMessage message)
    {
        Volatile.Write(ref _writing, 0);
        switch (message)
        {
            case AssistantChunk chunk:
                var deliveries = LazyInitializer.EnsureInitialized(ref _deliveries, static () => new(StringComparer.Ordinal));
                var delivery = deliveries.GetOrAdd(chunk.StreamId, _ => new Delivery());
                delivery.Sent = Math.Max(delivery.Sent, chunk.Seq);
                Interlocked.Increment(ref _progress);
                break;
            case AssistantEnd end:
                // Nothing is owed after the end: a client need not acknowledge the last chunks.
                _deliveries?.TryRemove(end.StreamId, out _);
                Interlocked.Increment(ref _progress);
                break;
            case AssistantStart:
                Interlocked.Increment(ref _progress);
                break;
        }
    }

    /// <summary>The client acknowledged chunks of a stream it follows (<c>flow=ack</c>).</summary>
    public void Acknowledged(string streamId, long seq)
    {
        if (_deliveries is { } deliveries && deliveries.TryGetValue(streamId, out var delivery) && seq > delivery.Acknowledged)
        {
            delivery.Acknowledged = seq;
            Interlocked.Increment(ref _progress);
        }
    }

    /// <summary>The connection stopped relaying the stream: it owes nothing more of it.</summary>
    public void Stopped(string streamId) => _deliveries?.TryRemove(streamId, out _);

    /// <summary>
    /// True once something has been owed without progress for the timeout. Called every
    /// <see cref="CheckInterval"/>; the stall clock starts at the first check that sees no progress.
    /// </summary>
    public bool IsStalled(DateTimeOffset now, bool clientAcknowledges)
    {
        var progress = Interlocked.Read(ref _progress);
        if (progress != _seenProgress || !IsOwing(clientAcknowledges))
        {
            _seenProgress = progress;
            _stalledSince = now;
            return false;
        }

        return now - _stalledSince >= timeout;
    }

    /// <summary>The connection stopped checking (nothing was owed): the next check starts the stall clock afresh.</summary>
    public void Paused() => _seenProgress = -1;

    /// <summary>Whether anything is owed to the client now: frames queued, a write under way, chunks not acknowledged.</summary>
    public bool IsOwing(bool clientAcknowledges) =>
        outbox.Count > 0
        || Volatile.Read(ref _writing) == 1
        || (clientAcknowledges && _deliveries is { IsEmpty: false } deliveries && deliveries.Any(d => d.Value.Sent > d.Value.Acknowledged));

    private sealed class Delivery
    {
        public long Sent { get; set; } = -1;

        public long Acknowledged { get; set; } = -1;
    }
}
