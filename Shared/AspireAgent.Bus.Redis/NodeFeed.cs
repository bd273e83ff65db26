using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// This process's one subscription for the live events of every stream it reads, where Redis is not a cluster. A
/// reader follows its stream (<see cref="StreamScripts.Follow"/> puts this node's id in the stream's meta), and the
/// append script then sends the stream's notifications to this node's channel: the notifications of every stream
/// of one append call that this node follows, in one message. The message is split here by stream, and each part
/// handed to the stream's readers in this process, in the order Redis published them.
/// </summary>
/// <remarks>
/// One message, and one hand-off to the thread pool, per append call, where a subscription per stream costs one of
/// each per stream: with the appends of a worker's streams sharing calls (<see cref="StreamAppendPipeline"/>), 0.09
/// messages per chunk instead of 0.95 at 250 streams of 100 tokens a second (BENCHMARKS.md §2). On a Redis Cluster a
/// script may only publish within its stream's slot, so readers there subscribe to their stream's own sharded
/// channel instead (<see cref="RedisStreamReader"/>).
/// <para>
/// A message is a sequence of frames, two per stream: the stream id and the stream's notification (the form of
/// <see cref="EventCodec"/>), each as its length in bytes, <c>|</c>, and the bytes. One this version cannot read is
/// dropped: each reader sees a gap at its next notification, or a silence, and catches up from the log.
/// </para>
/// </remarks>
internal sealed class NodeFeed : IAsyncDisposable
{
    // Longer stream ids are looked up with a string of their own rather than a buffer on the stack.
    private const int StackIdLength = 256;

    private readonly RedisConnection _redis;
    private readonly ConcurrentDictionary<string, LiveFeed[]> _readers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveFeed[]>.AlternateLookup<ReadOnlySpan<char>> _readersById;
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private ChannelMessageQueue? _queue;

    public NodeFeed(RedisConnection redis)
    {
        _redis = redis;
        _readersById = _readers.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>This process's id among the followers of a stream: new at every start, so a restarted node is a new one.</summary>
    public string NodeId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// A feed of <paramref name="streamId"/>'s notifications: every one published after this returns reaches it
    /// (or it is told to catch up). Following a stream that does not exist does nothing; its reader finds that out
    /// from the log.
    /// </summary>
    public async Task<LiveFeed> FollowAsync(string streamId, int capacity, TimeSpan idle, TimeProvider time)
    {
        await SubscribeAsync().ConfigureAwait(false);
        LiveFeed? feed = null;
        feed = new LiveFeed(
            () =>
            {
                Remove(streamId, feed!);
                return ValueTask.CompletedTask;
            },
            _redis, capacity, idle, time);
        // Routed here before Redis sends any of the stream's notifications this way.
        Add(streamId, feed);
        try
        {
            await StreamScripts.Follow.EvaluateAsync(_redis.Database, [_redis.Keys.StreamMeta(streamId)], [NodeId]).ConfigureAwait(false);
        }
        catch
        {
            await feed.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return feed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_queue is { } queue)
        {
            await RedisConnection.UnsubscribeQuietlyAsync(queue).ConfigureAwait(false);
        }

        _subscribing.Dispose();
    }

    // Once per process; the multiplexer restores it after a reconnection, and each reader catches up meanwhile.
    private async Task SubscribeAsync()
    {
        if (Volatile.Read(ref _queue) is not null)
        {
            return;
        }

        await _subscribing.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_queue is null)
            {
                var queue = await _redis.Subscriber.SubscribeAsync(_redis.Keys.NodeLive(NodeId)).ConfigureAwait(false);
                // Sequential, so that each stream's notifications keep the order in which Redis published them.
                queue.OnMessage(message => Route((byte[])message.Message!));
                Volatile.Write(ref _queue, queue);
            }
        }
        finally
        {
            _subscribing.Release();
        }
    }

    private void Route(byte[] message)
    {
        Span<char> buffer = stackalloc char[StackIdLength];
        ReadOnlyMemory<byte> rest = message;
        while (TryTakeFrame(ref rest, out var id) && TryTakeFrame(ref rest, out var notification) && !notification.IsEmpty)
        {
            if (FindReaders(id.Span, buffer) is { } readers)
            {
                foreach (var reader in readers)
                {
                    reader.Offer(notification);
                }
            }
        }
    }

    private LiveFeed[]? FindReaders(ReadOnlySpan<byte> id, Span<char> buffer)
    {
        if (id.Length <= buffer.Length)
        {
            var length = Encoding.UTF8.GetChars(id, buffer);
            return _readersById.TryGetValue(buffer[..length], out var found) ? found : null;
        }

        return _readers.TryGetValue(Encoding.UTF8.GetString(id), out var readers) ? readers : null;
    }

    private static bool TryTakeFrame(ref ReadOnlyMemory<byte> rest, out ReadOnlyMemory<byte> frame)
    {
        frame = default;
        var separator = rest.Span.IndexOf((byte)'|');
        if (separator <= 0 || !Utf8Parser.TryParse(rest.Span[..separator], out int length, out var used)
            || used != separator || length < 0 || length > rest.Length - separator - 1)
        {
            return false;
        }

        frame = rest.Slice(separator + 1, length);
        rest = rest[(separator + 1 + length)..];
        return true;
    }

    // Copy on write: routing reads the array of a stream without a lock, once per notification.
    private void Add(string streamId, LiveFeed feed) =>
        _readers.AddOrUpdate(streamId, static (_, feed) => [feed], static (_, readers, feed) => [.. readers, feed], feed);

    private void Remove(string streamId, LiveFeed feed)
    {
        while (_readers.TryGetValue(streamId, out var readers))
        {
            var left = Array.FindAll(readers, reader => reader != feed);
            if (left.Length == 0
                ? _readers.TryRemove(new KeyValuePair<string, LiveFeed[]>(streamId, readers))
                : _readers.TryUpdate(streamId, left, readers))
            {
                return;
            }
        }
    }
}
