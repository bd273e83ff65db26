using System.Threading.Channels;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// One reader's subscription to a pub/sub channel, in order, through a bounded buffer. Pub/sub is
/// at-most-once, so the feed never claims completeness: when its buffer overflows or Redis reconnects it
/// asks its reader to catch up from the durable log, which is centrifuge's recovery by offset.
/// </summary>
internal sealed class LiveFeed : IReconnectAware, IAsyncDisposable
{
    private readonly Channel<ReadOnlyMemory<byte>> _buffer;
    private readonly ChannelMessageQueue _queue;
    private readonly IDisposable _reconnects;
    private int _catchUp;

    private LiveFeed(ChannelMessageQueue queue, RedisConnection redis, int capacity)
    {
        _buffer = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
            SingleWriter = true,
        });
        _queue = queue;
        _reconnects = redis.OnReconnect(this);
        // Sequential, so that notifications keep the order in which Redis published them.
        queue.OnMessage(message => Offer(message.Message));
    }

    /// <summary>Subscribes; messages published after this returns are delivered (or flagged as missed).</summary>
    public static async Task<LiveFeed> SubscribeAsync(RedisConnection redis, RedisChannel channel, int capacity)
    {
        var queue = await redis.Subscriber.SubscribeAsync(channel).ConfigureAwait(false);
        return new LiveFeed(queue, redis, capacity);
    }

    /// <summary>
    /// The next notification; <see cref="LiveItem.CatchUp"/> when some may have been missed (overflow,
    /// reconnection) or when nothing came for <paramref name="idle"/>.
    /// </summary>
    public async ValueTask<LiveItem> NextAsync(TimeSpan idle, TimeProvider time, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Interlocked.Exchange(ref _catchUp, 0) == 1)
            {
                return LiveItem.CatchUp;
            }

            if (_buffer.Reader.TryRead(out var payload))
            {
                return new LiveItem(payload);
            }

            using var deadline = new CancellationTokenSource(idle, time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                await _buffer.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return LiveItem.CatchUp;
            }
        }
    }

    public void OnReconnected() => RequestCatchUp();

    public async ValueTask DisposeAsync()
    {
        _reconnects.Dispose();
        _buffer.Writer.TryComplete();
        // A subscription that dies with the connection is not restored either: it is gone from the multiplexer.
        await RedisConnection.UnsubscribeQuietlyAsync(_queue).ConfigureAwait(false);
    }

    private void Offer(RedisValue message)
    {
        if (!_buffer.Writer.TryWrite((byte[])message!))
        {
            RequestCatchUp();
        }
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
