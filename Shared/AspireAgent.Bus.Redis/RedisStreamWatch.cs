using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// A producer's view of its stream's signals: subscribed to the signal channel first, then initialised from
/// the meta hash (so a signal sent before the watch started is not missed), and re-read after every
/// reconnection (pub/sub may have dropped signals meanwhile).
/// </summary>
internal sealed class RedisStreamWatch : IStreamWatch, IReconnectAware
{
    private readonly RedisConnection _redis;
    private readonly string _streamId;
    private readonly AcknowledgementWindow _window = new();
    private readonly CancellationTokenSource _interrupted = new();
    private ChannelMessageQueue? _queue;
    private IDisposable? _reconnects;
    private Task _refresh = Task.CompletedTask;

    public RedisStreamWatch(RedisConnection redis, string streamId) => (_redis, _streamId) = (redis, streamId);

    public CancellationToken Interrupted => _interrupted.Token;

    public long Acknowledged => _window.Acknowledged;

    public async Task StartAsync()
    {
        _queue = await _redis.Subscriber.SubscribeAsync(_redis.Keys.StreamSignals(_streamId)).ConfigureAwait(false);
        _queue.OnMessage(message => Apply((string?)message.Message));
        _reconnects = _redis.OnReconnect(this);
        await RefreshAsync().ConfigureAwait(false);
    }

    public ValueTask WaitForCreditAsync(long seq, int window, CancellationToken cancellationToken) =>
        _window.WaitForCreditAsync(seq, window, cancellationToken);

    // The multiplexer's event must not block: the refresh runs on, and the watch waits for it when disposed.
    public void OnReconnected() => Volatile.Write(ref _refresh, RefreshSafelyAsync());

    public async ValueTask DisposeAsync()
    {
        _reconnects?.Dispose();
        await Volatile.Read(ref _refresh).ConfigureAwait(false);
        if (_queue is { } queue)
        {
            await RedisConnection.UnsubscribeQuietlyAsync(queue).ConfigureAwait(false);
        }

        _interrupted.Dispose();
    }

    private async Task RefreshAsync()
    {
        var fields = await _redis.Database.HashGetAsync(_redis.Keys.StreamMeta(_streamId), ["acked", "interrupted"]).ConfigureAwait(false);
        if (!fields[0].IsNull)
        {
            Acknowledge((long)fields[0]);
        }

        if (!fields[1].IsNull)
        {
            Interrupt();
        }
    }

    // A failure only means that the next signal brings the state instead.
    private async Task RefreshSafelyAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
        {
        }
    }

    private void Apply(string? signal)
    {
        if (signal == "i")
        {
            Interrupt();
        }
        else if (signal is ['a', ..] && RedisStreamSignals.TryParseAck(signal, out var seq))
        {
            Acknowledge(seq);
        }
    }

    private void Acknowledge(long seq) => _window.Acknowledge(seq);

    private void Interrupt()
    {
        try
        {
            _interrupted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The producer is gone already.
        }
    }
}
