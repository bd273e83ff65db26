using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Wakes this process's idle consumers when a gateway announces a request, so that a request is taken at
/// once without polling the stream. An announcement may be lost (pub/sub is at-most-once); consumers also
/// look on a timer and after every reconnection, so a lost one only delays a request.
/// </summary>
internal sealed class RequestAnnouncements(RedisConnection redis) : IReconnectAware, IAsyncDisposable
{
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private TaskCompletionSource _next = NewSignal();
    private ChannelMessageQueue? _queue;
    private IDisposable? _reconnects;

    /// <summary>Completes at the next announcement; take it before looking at the stream, so none is missed in between.</summary>
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
                queue.OnMessage(_ => Pulse());
                _reconnects = redis.OnReconnect(this);
                Volatile.Write(ref _queue, queue);
            }
        }
        finally
        {
            _subscribing.Release();
        }
    }

    public void OnReconnected() => Pulse();

    public async ValueTask DisposeAsync()
    {
        _reconnects?.Dispose();
        if (_queue is { } queue)
        {
            await RedisConnection.UnsubscribeQuietlyAsync(queue).ConfigureAwait(false);
        }

        _subscribing.Dispose();
    }

    private void Pulse() => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
