using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Wakes this process's idle consumers when a gateway announces a request, and says where to look: each
/// announcement names the shard its request went to, and one idle consumer reads that shard, not every consumer
/// every shard. A read that found a request marks its shard again (more may wait there); one that found nothing
/// leaves it. An announcement may be lost (pub/sub is at-most-once), so a full look at every shard is due at start,
/// on every claim round and after every reconnection: a lost one only delays a request.
/// </summary>
/// <remarks>
/// A consumer takes the mark before it reads, so a request added after its read is announced after the mark was
/// taken and marks the shard again: no request waits for the next full look unless its announcement was lost.
/// Announcements from older versions name no shard (<c>1</c>) and ask for a full look.
/// </remarks>
internal sealed class RequestAnnouncements(RedisConnection redis) : IReconnectAware, IAsyncDisposable
{
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private readonly Lock _lock = new();
    private readonly HashSet<RedisKey> _marked = [];
    private bool _everywhere = true;
    private TaskCompletionSource _next = NewSignal();
    private ChannelMessageQueue? _queue;
    private IDisposable? _reconnects;

    /// <summary>Completes at the next announcement or mark; take it before <see cref="Take"/>, so none is missed in between.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public async Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _queue) is not null)
        {
            return;
        }

        await _subscribing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_queue is null)
            {
                var queue = await redis.Subscriber.SubscribeAsync(redis.Keys.RequestsAnnounced).WaitAsync(cancellationToken).ConfigureAwait(false);
                queue.OnMessage(message => Announced(message.Message));
                _reconnects = redis.OnReconnect(this);
                Volatile.Write(ref _queue, queue);
            }
        }
        finally
        {
            _subscribing.Release();
        }
    }

    /// <summary>Where the caller is to look now, taking the mark: a full look, one shard, or nowhere.</summary>
    public AnnouncedWork Take()
    {
        lock (_lock)
        {
            if (_everywhere)
            {
                _everywhere = false;
                return AnnouncedWork.Everywhere;
            }

            foreach (var key in _marked)
            {
                _marked.Remove(key);
                return new AnnouncedWork(key);
            }

            return AnnouncedWork.Nowhere;
        }
    }

    /// <summary>Another request may wait in <paramref name="shard"/>: the next idle consumer reads it.</summary>
    public void Mark(RedisKey shard)
    {
        lock (_lock)
        {
            _marked.Add(shard);
        }

        Pulse();
    }

    /// <summary>A request may wait in any shard: the next idle consumer looks at every one.</summary>
    public void MarkEverywhere()
    {
        lock (_lock)
        {
            _everywhere = true;
        }

        Pulse();
    }

    public void OnReconnected() => MarkEverywhere();

    public async ValueTask DisposeAsync()
    {
        _reconnects?.Dispose();
        if (_queue is { } queue)
        {
            await RedisConnection.UnsubscribeQuietlyAsync(queue).ConfigureAwait(false);
        }

        _subscribing.Dispose();
    }

    private void Announced(RedisValue message)
    {
        var shard = (string?)message;
        if (shard is null or "1")
        {
            MarkEverywhere();
        }
        else
        {
            Mark(shard);
        }
    }

    private void Pulse() => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Where an idle consumer is to look for new requests: every shard, one shard, or nowhere.</summary>
internal readonly record struct AnnouncedWork(RedisKey? Shard, bool IsEverywhere = false)
{
    public static AnnouncedWork Everywhere { get; } = new(null, IsEverywhere: true);

    public static AnnouncedWork Nowhere { get; } = default;

    public bool IsNowhere => !IsEverywhere && Shard is null;
}
