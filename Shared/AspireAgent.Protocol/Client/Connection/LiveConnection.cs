using System.Net.WebSockets;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// One socket from welcome to loss, and what its loops share: when the server was last heard, the heartbeat,
/// the stop token of the loops, and the reason the client itself ended it (heartbeat silence, a gap).
/// </summary>
internal sealed class LiveConnection : IDisposable
{
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop;
    private ConnectionLoss? _forced;
    private long _lastReceivedTicks;
    private volatile bool _delivering;

    public LiveConnection(ClientWebSocket socket, HeartbeatMonitor heartbeat, TimeProvider time, CancellationToken clientShutdown)
    {
        Socket = socket;
        Heartbeat = heartbeat;
        _time = time;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(clientShutdown);
        _lastReceivedTicks = time.GetUtcNow().UtcTicks;
    }

    public ClientWebSocket Socket { get; }

    public HeartbeatMonitor Heartbeat { get; }

    /// <summary>Cancelled when the connection has ended: stops its heartbeat and acknowledgement loops.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Whether an answer was awaited while this connection was open.</summary>
    public bool HadAnswer { get; set; }

    /// <summary>
    /// When the server was last heard. While the receive loop waits for a slow reader of an answer, the socket
    /// is not read, so silence then says nothing about the server: the connection counts as heard from now.
    /// </summary>
    public DateTimeOffset LastReceived => _delivering
        ? _time.GetUtcNow()
        : new DateTimeOffset(Volatile.Read(ref _lastReceivedTicks), TimeSpan.Zero);

    public bool AwaitingPong => Heartbeat.AwaitingPong(LastReceived);

    /// <summary>The loss the client decided on itself, if it did.</summary>
    public ConnectionLoss? Forced => Volatile.Read(ref _forced);

    /// <summary>Records a frame from the server; true when it answered a heartbeat ping that was out.</summary>
    public bool MarkReceived()
    {
        var awaited = AwaitingPong;
        Volatile.Write(ref _lastReceivedTicks, _time.GetUtcNow().UtcTicks);
        return awaited;
    }

    /// <summary>Brackets the receive loop's wait for a reader (see <see cref="LastReceived"/>).</summary>
    public void SetDelivering(bool delivering)
    {
        _delivering = delivering;
        if (!delivering)
        {
            Volatile.Write(ref _lastReceivedTicks, _time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>Ends the connection for <paramref name="loss"/>: aborting the socket makes the receive loop return.</summary>
    public void Fail(ConnectionLoss loss)
    {
        if (Interlocked.CompareExchange(ref _forced, loss, null) is null)
        {
            Socket.Abort();
        }
    }

    public Task StopAsync() => _stop.CancelAsync();

    public void Dispose()
    {
        _stop.Dispose();
        Socket.Dispose();
    }
}
