using System.Threading.Channels;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// Batches <c>ack {streamId, seq}</c> for the chunks the reader has taken: one ack per stream once
/// <c>batchSize</c> chunks are pending, or <c>delay</c> after the oldest pending one was taken, whichever
/// comes first. The server's producer pauses a window (64 by default) ahead of the last ack, so the batch
/// must stay well below it.
/// </summary>
/// <remarks>
/// The reader's side (<see cref="Taken"/>) never waits on the network: it records and rings a bell (a bounded
/// channel of one). The sending side (<see cref="RunAsync"/>) is one loop per connection, owned and awaited
/// by the client. Acks only count on the connection that relays the stream, so after a reconnect
/// <see cref="Restart"/> makes the loop send the latest ack of every stream again once it is resumed.
/// </remarks>
internal sealed class Acknowledger(MessageRouter router, int batchSize, TimeSpan delay, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Channel<byte> _bell = Channel.CreateBounded<byte>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>The reader has taken (rendered) every chunk of the answer up to <paramref name="seq"/>.</summary>
    public void Taken(AnswerSubscription subscription, long seq)
    {
        lock (_gate)
        {
            // Never ahead of what arrived: an application acknowledging by hand may pass any number.
            seq = Math.Min(seq, subscription.LastSeq);
            if (seq <= subscription.Taken)
            {
                return;
            }

            subscription.Taken = seq;
            subscription.AckPendingSince ??= time.GetUtcNow();
        }

        _bell.Writer.TryWrite(0);
    }

    /// <summary>A new connection: whatever was acknowledged on the old one is sent again, at once.</summary>
    public void Restart()
    {
        var due = time.GetUtcNow() - delay;
        lock (_gate)
        {
            foreach (var subscription in router.Started())
            {
                subscription.AckSent = -1;
                subscription.AckPendingSince = subscription.Taken >= 0 ? due : null;
            }
        }

        _bell.Writer.TryWrite(0);
    }

    /// <summary>Sends acks as they fall due until <paramref name="cancellationToken"/> or a failing send ends it.</summary>
    public async Task RunAsync(Func<string, long, ValueTask> send, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _bell.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            while (NextDue() is { } due)
            {
                if (due > time.GetUtcNow() && !await WaitAsync(due, cancellationToken).ConfigureAwait(false))
                {
                    continue; // more was taken meanwhile: the batch may be full now
                }

                foreach (var (streamId, seq) in TakeDue())
                {
                    await send(streamId, seq).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Waits until <paramref name="due"/>; false when the bell rang first (and was answered).</summary>
    private async Task<bool> WaitAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = time.WaitUntilAsync(due, wake.Token);
        var rung = _bell.Reader.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(timer, rung).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (timer.IsCompletedSuccessfully)
        {
            return true;
        }

        _bell.Reader.TryRead(out _);
        return false;
    }

    /// <summary>When the next ack falls due: now when a batch is full, else the oldest pending one plus the delay.</summary>
    private DateTimeOffset? NextDue()
    {
        DateTimeOffset? due = null;
        lock (_gate)
        {
            foreach (var subscription in router.Started())
            {
                if (subscription.Taken <= subscription.AckSent || subscription.AckPendingSince is not { } since)
                {
                    continue;
                }

                if (subscription.Taken - subscription.AckSent >= batchSize)
                {
                    return DateTimeOffset.MinValue;
                }

                due = due is { } earlier && earlier <= since + delay ? earlier : since + delay;
            }
        }

        return due;
    }

    private List<(string StreamId, long Seq)> TakeDue()
    {
        List<(string, long)> due = [];
        lock (_gate)
        {
            foreach (var subscription in router.Started())
            {
                if (subscription.Taken > subscription.AckSent && subscription.StreamId is { } streamId)
                {
                    due.Add((streamId, subscription.Taken));
                    subscription.AckSent = subscription.Taken;
                    subscription.AckPendingSince = null;
                }
            }
        }

        return due;
    }
}
