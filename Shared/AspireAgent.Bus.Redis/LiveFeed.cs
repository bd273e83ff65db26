using System.Threading.Channels;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// One reader's live notifications of one stream, in order, through a bounded buffer: from the stream's own
/// pub/sub channel (<see cref="SubscribeAsync"/>), or routed to it from its node's channel (<see cref="NodeFeed"/>).
/// Pub/sub is at-most-once, so the feed never claims completeness: when its buffer overflows or Redis reconnects it
/// asks its reader to catch up from the durable log, which is centrifuge's recovery by offset.
/// </summary>
internal sealed class LiveFeed : IReconnectAware, IAsyncDisposable
{
    private readonly Channel<ReadOnlyMemory<byte>> _buffer;
    private readonly Func<ValueTask> _unsubscribe;
    private readonly IDisposable _reconnects;
    private readonly ITimer _silence;
    private long _received;
    private long _receivedAtLastLook;
    private int _catchUp;

    /// <param name="unsubscribe">Ends what feeds it (<see cref="Offer"/>); called once, when the feed is disposed.</param>
    public LiveFeed(Func<ValueTask> unsubscribe, RedisConnection redis, int capacity, TimeSpan idle, TimeProvider time)
    {
        _buffer = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
            SingleWriter = true,
            // The reader (a relay) goes on on the thread that delivered the notification: the multiplexer's
            // message loop already runs on the thread pool, and a second hand-off per chunk would cost a thread
            // switch for nothing. The reader's next wait returns the loop its thread.
            AllowSynchronousContinuations = true,
        });
        _unsubscribe = unsubscribe;
        _reconnects = redis.OnReconnect(this);
        // One timer for the feed's life, not one per wait: a wait per notification would create and cancel a
        // timer for every chunk.
        _silence = time.CreateTimer(static state => ((LiveFeed)state!).LookForSilence(), this, idle, idle);
    }

    /// <summary>
    /// Subscribes to a stream's own channel; messages published after this returns are delivered (or flagged as
    /// missed). When nothing came for between one and two <paramref name="idle"/> periods, the reader is told to catch
    /// up from the log.
    /// </summary>
    public static async Task<LiveFeed> SubscribeAsync(
        RedisConnection redis, RedisChannel channel, int capacity, TimeSpan idle, TimeProvider time)
    {
        var queue = await redis.Subscriber.SubscribeAsync(channel).ConfigureAwait(false);
        // A subscription that dies with the connection is not restored either: it is gone from the multiplexer.
        var feed = new LiveFeed(() => RedisConnection.UnsubscribeQuietlyAsync(queue), redis, capacity, idle, time);
        // Sequential, so that notifications keep the order in which Redis published them.
        queue.OnMessage(message => feed.Offer((byte[])message.Message!));
        return feed;
    }

    /// <summary>
    /// The next notification; <see cref="LiveItem.CatchUp"/> when some may have been missed (overflow,
    /// reconnection) or when nothing came for a while.
    /// </summary>
    public async ValueTask<LiveItem> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Interlocked.Exchange(ref _catchUp, 0) == 1)
            {
                return LiveItem.CatchUp;
            }

            if (_buffer.Reader.TryRead(out var payload))
            {
                if (payload.IsEmpty)
                {
                    // Only the wake-up of a catch-up request, and that was taken above.
                    continue;
                }

                return new LiveItem(payload);
            }

            await _buffer.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void OnReconnected() => RequestCatchUp();

    public async ValueTask DisposeAsync()
    {
        // Not DisposeAsync, which waits for a running callback: the reader may be finishing on that very callback's
        // thread (a catch-up request runs it there), and a late look only writes to a completed buffer.
        _silence.Dispose();
        _reconnects.Dispose();
        _buffer.Writer.TryComplete();
        await _unsubscribe().ConfigureAwait(false);
    }

    /// <summary>Takes the next notification of the stream, in the order published; never an empty one.</summary>
    public void Offer(ReadOnlyMemory<byte> notification)
    {
        Interlocked.Increment(ref _received);
        if (!_buffer.Writer.TryWrite(notification))
        {
            RequestCatchUp();
        }
    }

    // A notification lost on the way (pub/sub is at-most-once) would otherwise leave the reader waiting for good.
    private void LookForSilence()
    {
        var received = Interlocked.Read(ref _received);
        if (received == _receivedAtLastLook)
        {
            RequestCatchUp();
        }

        _receivedAtLastLook = received;
    }

    private void RequestCatchUp()
    {
        Volatile.Write(ref _catchUp, 1);
        // Wakes a reader waiting on an empty buffer; if the buffer is full it has something to read anyway.
        _buffer.Writer.TryWrite(ReadOnlyMemory<byte>.Empty);
    }
}

/// <summary>A notification, or the instruction to read the log because notifications may have been missed.</summary>
internal readonly record struct LiveItem(ReadOnlyMemory<byte> Payload)
{
    public static LiveItem CatchUp { get; } = new(ReadOnlyMemory<byte>.Empty);

    public bool IsCatchUp => Payload.IsEmpty;
}
