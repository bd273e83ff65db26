using System.Threading.Channels;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// Batches <c>ack {streamId, seq}</c> for the chunks the reader has taken: one ack per stream once
/// <c>batchSize</c> chunks are pending, or <c>delay</c> after the oldest pending one was taken, whichever
/// comes first. The server's producer pauses a window (64 by default) ahead of the last ack, so the batch
/// must stay well below it.
/// </summary>
/// <remarks>
/// The reader's side (<see cref="Taken"/>) never waits on the network and, per chunk, only records: it rings the
/// bell (a bounded channel of one) when a batch is full or when nothing is scheduled yet, and one timer rings it
/// when the oldest pending ack falls due. So the sending loop wakes once per batch or per delay, not per chunk,
/// and never races a timer against the bell (which cost a timer, a linked cancellation source and, whenever the
/// timer won, a thrown <see cref="OperationCanceledException"/>). The loop (<see cref="RunAsync"/>) is one per
/// connection, owned and awaited by the client. Acks only count on the connection that relays the stream, so
/// after a reconnect <see cref="Restart"/> makes the loop send the latest ack of every stream again once it is
/// resumed.
/// </remarks>
internal sealed class Acknowledger : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Channel<byte> _bell = Channel.CreateBounded<byte>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly MessageRouter _router;
    private readonly int _batchSize;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    // When the timer rings next; null while nothing is pending or the loop has yet to look (guarded by _gate).
    private DateTimeOffset? _scheduled;

    public Acknowledger(MessageRouter router, int batchSize, TimeSpan delay, TimeProvider time)
    {
        (_router, _batchSize, _delay, _time) = (router, batchSize, delay, time);
        _timer = time.CreateTimer(static state => ((Acknowledger)state!).Fired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The reader has taken (rendered) every chunk of the answer up to <paramref name="seq"/>.</summary>
    public void Taken(AnswerSubscription subscription, long seq)
    {
        bool ring;
        lock (_gate)
        {
            // Never ahead of what arrived: an application acknowledging by hand may pass any number.
            seq = Math.Min(seq, subscription.LastSeq);
            if (seq <= subscription.Taken)
            {
                return;
            }

            subscription.Taken = seq;
            subscription.AckPendingSince ??= _time.GetUtcNow();

            // A later pending ack never falls due before the one scheduled, so only a full batch or an empty schedule needs the loop.
            ring = _scheduled is null || subscription.Taken - subscription.AckSent >= _batchSize;
        }

        if (ring)
        {
            Ring();
        }
    }

    /// <summary>A new connection: whatever was acknowledged on the old one is sent again, at once.</summary>
    public void Restart()
    {
        var due = _time.GetUtcNow() - _delay;
        lock (_gate)
        {
            foreach (var subscription in _router.Started())
            {
                subscription.AckSent = -1;
                subscription.AckPendingSince = subscription.Taken >= 0 ? due : null;
            }
        }

        Ring();
    }

    /// <summary>Sends acks as they fall due until <paramref name="cancellationToken"/> or a failing send ends it.</summary>
    public async Task RunAsync(Func<string, long, ValueTask> send, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _bell.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (streamId, seq) in TakeDue())
            {
                await send(streamId, seq).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Ring() => _bell.Writer.TryWrite(0);

    // Forgetting the schedule makes the loop set the timer again even for the same instant: a timer may fire a
    // moment before the clock reads its due time, and the ack it was for must not wait for the next chunk.
    private void Fired()
    {
        lock (_gate)
        {
            _scheduled = null;
        }

        Ring();
    }

    /// <summary>Takes the acks due now (full batches, and those pending for the delay), and sets the timer for the next.</summary>
    private List<(string StreamId, long Seq)> TakeDue()
    {
        List<(string, long)> due = [];
        DateTimeOffset now;
        DateTimeOffset? next = null;
        lock (_gate)
        {
            now = _time.GetUtcNow();
            foreach (var subscription in _router.Started())
            {
                if (subscription.Taken <= subscription.AckSent || subscription.AckPendingSince is not { } since
                    || subscription.StreamId is not { } streamId)
                {
                    continue;
                }

                var at = since + _delay;
                if (subscription.Taken - subscription.AckSent >= _batchSize || at <= now)
                {
                    due.Add((streamId, subscription.Taken));
                    subscription.AckSent = subscription.Taken;
                    subscription.AckPendingSince = null;
                }
                else if (next is not { } earlier || at < earlier)
                {
                    next = at;
                }
            }

            if (next == _scheduled)
            {
                return due;
            }

            _scheduled = next;
        }

        // Only this loop sets the timer, so setting it outside the lock cannot reorder two settings.
        _timer.Change(next is { } time ? Max(time - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return due;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
