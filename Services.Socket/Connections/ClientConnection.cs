using System.Net.WebSockets;
using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Flow;
using AspireAgent.Socket.Heartbeat;
using AspireAgent.Socket.Options;
using AspireAgent.Socket.Sessions;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// Everything one WebSocket owns: its read loop, its single writer draining its private <see cref="PriorityOutbox"/>,
/// the relays of the streams it follows, and the abort token that ends them all. Only the writer touches
/// the socket's send side, which is what makes priority lanes and the close handshake race-free.
/// </summary>
/// <remarks>
/// Calls go one way: decoded messages go to the <see cref="IInboundHandler"/>, which sees this connection only
/// as an <see cref="IClientSession"/>; relays feed the outbox through <see cref="ForwardAsync"/>; the writer
/// hands delivered chunks to an <see cref="AcknowledgementBatcher"/> and does no bus I/O itself.
/// </remarks>
internal sealed partial class ClientConnection : IClientSession, IAsyncDisposable, IDueCallback
{
    private readonly WebSocket _socket;
    private readonly GatewayOptions _options;
    private readonly IInboundHandler _inbound;
    private readonly AcknowledgementFlusher _flusher;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ConnectionTimers _timers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort;
    private readonly PriorityOutbox _outbox;
    private readonly StreamRelays _relays;
    private readonly SlowConsumerWatch _slowConsumer;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CloseRequest? _close;

    // Created by the first chunk the gateway acknowledges for the client: an idle connection holds none.
    private AcknowledgementBatcher? _acks;

    // 1 while a slow-consumer check is booked: only while something is owed, so an idle connection costs no check.
    private int _watching;
    private long _lastReceivedTicks;
    private long _lastMessageTicks;

    public ClientConnection(
        WebSocket socket,
        IMessageCodec codec,
        GatewayOptions options,
        IInboundHandler inbound,
        IStreamStore streams,
        AcknowledgementFlusher flusher,
        GatewayMetrics metrics,
        TimeProvider time,
        ConnectionTimers timers,
        ILogger logger)
    {
        _flusher = flusher;
        _metrics = metrics;
        _socket = socket;
        Codec = codec;
        _options = options;
        _inbound = inbound;
        _time = time;
        _timers = timers;
        _logger = logger;
        // No timer of its own: the close timeout is booked on the shared timers.
        _abort = new CancellationTokenSource();
        _outbox = new PriorityOutbox(options.OutboundLaneCapacity, metrics.DroppedHandler);
        _slowConsumer = new SlowConsumerWatch(_outbox, options.SlowConsumerTimeout);
        _relays = new StreamRelays(this, streams, options, logger);
        _lastReceivedTicks = time.GetUtcNow().UtcTicks;
    }

    public string ConnectionId { get; } = MessageIds.New();

    public IMessageCodec Codec { get; }

    public string? Subject { get; init; }

    public string? IdentityId { get; private set; }

    public bool ClientAcknowledges { get; private set; }

    /// <summary>Frames waiting in the outbound lanes.</summary>
    public int Queued => _outbox.Count;

    public bool Follows(string streamId) => _relays.Follows(streamId);

    public bool CanFollowAnother => _close is null && _relays.HasRoom;

    /// <summary>When the peer last sent any frame.</summary>
    public DateTimeOffset LastReceived => new(Volatile.Read(ref _lastReceivedTicks), TimeSpan.Zero);

    /// <summary>When an application message (anything but a heartbeat) last went either way; the handshake before that.</summary>
    public DateTimeOffset LastMessage => new(Volatile.Read(ref _lastMessageTicks), TimeSpan.Zero);

    public CancellationToken Aborted => _abort.Token;

    /// <summary>Whether the connection was aborted; unlike <see cref="Aborted"/>, safe to ask after it was disposed.</summary>
    public bool IsAborted => _abort.IsCancellationRequested;

    public WebSocketCloseStatus? CloseStatus => _close?.Status;

    /// <summary>Completes when <see cref="RunAsync"/> has finished and every relay has stopped.</summary>
    public Task Finished => _finished.Task;

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Runs the connection until it closes; never throws for the peer's misbehaviour.</summary>
    public async Task RunAsync()
    {
        var writer = WriteLoopAsync();
        _timers.Schedule(new ConnectionDeadline(this, ConnectionDeadline.Kind.Handshake), _time.GetUtcNow() + _options.HandshakeTimeout);
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _logger.ConnectionDropped(ConnectionId, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.ConnectionFailed(ConnectionId, ex);
            RequestClose(CloseCodes.InternalError, "internal error");
        }

        RequestClose(CloseCodes.Normal, string.Empty);
        await writer;

        // What the socket took, the client has: acknowledged even though the connection is gone.
        _acks?.FlushAll();
        await _abort.CancelAsync();
        await _relays.WhenAllStopped();
        _finished.TrySetResult();
    }

    /// <summary>
    /// Asks the writer to send a close frame (after nothing else) and bounds how long the peer has to answer
    /// it. The first request wins; later ones are ignored.
    /// </summary>
    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.CompareExchange(ref _close, new CloseRequest(status, reason), null) is not null)
        {
            return;
        }

        _logger.Closing(ConnectionId, (int)status, reason);
        _outbox.Complete();
        _timers.Schedule(new ConnectionDeadline(this, ConnectionDeadline.Kind.Close), _time.GetUtcNow() + _options.CloseTimeout);
    }

    public void SendCritical(AgentMessage message)
    {
        if (!_outbox.TryEnqueue(message) && _close is null)
        {
            RequestClose(CloseCodes.SlowConsumer, "outbound queue full");
        }

        Watch();
    }

    public ValueTask SendAsync(AgentMessage message) => ForwardAsync(message, _abort.Token);

    /// <summary>The one way frames enter the outbox: waits for room in the message's lane (a relay's backpressure).</summary>
    internal ValueTask ForwardAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var queued = _outbox.EnqueueAsync(message, cancellationToken);

        // After the frame is in (or waits at a full lane, which is owed frames too): see OnDue.
        Watch();
        return queued;
    }

    public void Accept(string identityId, bool clientAcknowledges, HeartbeatSchedule schedule)
    {
        IdentityId = identityId;
        ClientAcknowledges = clientAcknowledges;
        Volatile.Write(ref _lastMessageTicks, _time.GetUtcNow().UtcTicks);

        // Kept alive by the shared timer's queue, which is the only place that calls it.
        new ConnectionHeartbeat(this, schedule, _timers).OnDue(_time.GetUtcNow());
    }

    public void Acknowledged(string streamId, long seq) => _slowConsumer.Acknowledged(streamId, seq);

    /// <summary>A relay of this connection ended: nothing more of that stream is owed to the client.</summary>
    internal void StoppedRelaying(string streamId) => _slowConsumer.Stopped(streamId);

    public bool TryFollow(string streamId, StreamPosition from) =>
        _close is null && _relays.TryFollow(streamId, from, _abort.Token);

    /// <summary>The handshake timeout passed: a connection that has not said <c>hello</c> by now is closed (4000).</summary>
    internal void HandshakeDue()
    {
        if (IdentityId is null && _close is null && !_finished.Task.IsCompleted)
        {
            RequestClose(CloseCodes.HandshakeTimeout, "no hello within the handshake timeout");
        }
    }

    /// <summary>The peer had its close timeout to answer the close: everything of the connection is aborted.</summary>
    internal void CloseDue()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended and was disposed before its close timeout: nothing left to abort.
            return;
        }

        // The read waits without a token (see ReadLoopAsync): aborting the socket is what ends it.
        _socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        _abort.Dispose();
        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        using var reader = new FrameReader(_socket, _options.MaxMessageBytes);
        while (true)
        {
            // No token: a registration per waiting read is memory per idle connection. Whatever ends the
            // connection aborts or closes the socket (CloseDue, the writer's failure), which ends this read.
            var frame = await reader.ReadAsync(CancellationToken.None);
            Volatile.Write(ref _lastReceivedTicks, _time.GetUtcNow().UtcTicks);
            switch (frame.Kind)
            {
                case FrameKind.Closed:
                    return;
                case FrameKind.TooBig:
                    // Not return: the client may still be sending the rest of the message. Closing the socket
                    // under it would reset the connection (1006 at the client); reading on until its close
                    // frame (or CloseTimeout) completes the close handshake, so the client sees 1009.
                    _metrics.Failure("too_big");
                    RequestClose(CloseCodes.MessageTooBig, $"message larger than {_options.MaxMessageBytes} bytes");
                    break;
                case FrameKind.Message when _close is null:
                    await ProcessAsync(frame);
                    break;
            }
        }
    }

    private async ValueTask ProcessAsync(Frame frame)
    {
        if (frame.Type != Codec.FrameType)
        {
            _metrics.Failure("unsupported_data");
            RequestClose(CloseCodes.UnsupportedData, $"{Codec.Encoding} expects {Codec.FrameType.ToString().ToLowerInvariant()} frames");
            return;
        }

        // The one message every idle connection sends: its arrival (LastReceived) is all it means, so it is
        // counted and not decoded. Before the handshake it takes the full path, which refuses it.
        if (IdentityId is not null && Codec.IsPong(frame.Payload))
        {
            _metrics.ReceivedControl(Codec.Encoding, frame.Payload.Length);
            return;
        }

        AgentMessage message;
        try
        {
            message = Codec.Decode(frame.Payload);
        }
        catch (MalformedFrameException ex)
        {
            _metrics.Failure("malformed");
            _logger.MalformedFrame(ConnectionId, ex.Message);
            RequestClose(CloseCodes.MalformedFrame, "malformed frame");
            return;
        }
        catch (UnknownMessageTypeException ex)
        {
            _metrics.Failure("unknown_type");
            SendCritical(this.Error(ErrorCodes.UnknownType, $"Message type '{ex.MessageType}' is not part of protocol v1."));
            return;
        }

        _metrics.Received(message, Codec.Encoding, frame.Payload.Length);
        if (!IsHeartbeat(message))
        {
            MarkMessage();
        }

        await _inbound.HandleAsync(this, message);
    }

    private static bool IsHeartbeat(AgentMessage message) =>
        message is ControlMessage { Action: ControlActions.Ping or ControlActions.Pong };

    private void MarkMessage() => Volatile.Write(ref _lastMessageTicks, _time.GetUtcNow().UtcTicks);

    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason);
}
