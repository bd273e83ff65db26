using System.Net.WebSockets;
using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Heartbeat;
using AspireAgent.Socket.Options;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// Everything one WebSocket owns: its read loop, its single writer draining the <see cref="PriorityOutbox"/>,
/// the relays of the streams it follows, and the abort token that ends them all. Only the writer touches
/// the socket's send side, which is what makes priority lanes and the close handshake race-free.
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable, IDueCallback
{
    private readonly WebSocket _socket;
    private readonly GatewayOptions _options;
    private readonly InboundDispatcher _dispatcher;
    private readonly IStreamSignals _signals;
    private readonly GatewayMetrics _metrics;
    private readonly string _encoding;
    private readonly TimeProvider _time;
    private readonly ConnectionTimers _timers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort;
    private readonly StreamRelays _relays;
    private readonly SlowConsumerWatch _slowConsumer;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CloseRequest? _close;
    private HeartbeatOptions? _heartbeatOptions;
    private bool _hadMessage;
    private ConnectionHeartbeat? _heartbeat;
    private long _lastReceivedTicks;
    private long _lastMessageTicks;

    public ClientConnection(
        WebSocket socket,
        IMessageCodec codec,
        GatewayOptions options,
        InboundDispatcher dispatcher,
        IStreamStore streams,
        IStreamSignals signals,
        GatewayMetrics metrics,
        TimeProvider time,
        ConnectionTimers timers,
        ILogger logger)
    {
        _signals = signals;
        _metrics = metrics;
        _encoding = codec.Encoding.ToString().ToLowerInvariant();
        _socket = socket;
        Codec = codec;
        _options = options;
        _dispatcher = dispatcher;
        _time = time;
        _timers = timers;
        _logger = logger;
        _abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        Outbox = new PriorityOutbox(options.OutboundLaneCapacity, metrics.Dropped);
        _slowConsumer = new SlowConsumerWatch(Outbox, options.SlowConsumerTimeout);
        _relays = new StreamRelays(this, streams, options, logger);
        _lastReceivedTicks = time.GetUtcNow().UtcTicks;
    }

    public string ConnectionId { get; } = MessageIds.New();

    public IMessageCodec Codec { get; }

    public PriorityOutbox Outbox { get; }

    /// <summary>The bearer token's subject when the upgrade carried one; it becomes the identity at <c>hello</c>.</summary>
    public string? Subject { get; init; }

    /// <summary>The verified identity; null until the client's <c>hello</c> was answered.</summary>
    public string? IdentityId { get; private set; }

    /// <summary>
    /// True when the client said in <c>hello</c> that it acknowledges chunks as it renders them; otherwise
    /// the gateway acknowledges each chunk once the socket took it, so TCP backpressure still reaches the producer.
    /// </summary>
    public bool ClientAcknowledges { get; private set; }

    /// <summary>Whether this connection relays <paramref name="streamId"/> now.</summary>
    public bool Follows(string streamId) => _relays.Follows(streamId);

    /// <summary>Whether this connection may follow one more answer; checked before a turn is admitted.</summary>
    public bool CanFollowAnother => _close is null && _relays.HasRoom;

    /// <summary>The heartbeat strategy in force; null before the handshake.</summary>
    public HeartbeatStrategy? Heartbeat => _heartbeat?.Schedule.Strategy;

    /// <summary>When the peer last sent any frame.</summary>
    public DateTimeOffset LastReceived => new(Volatile.Read(ref _lastReceivedTicks), TimeSpan.Zero);

    /// <summary>When an application message (anything but a heartbeat) last went either way; the handshake before that.</summary>
    public DateTimeOffset LastMessage => new(Volatile.Read(ref _lastMessageTicks), TimeSpan.Zero);

    public ConnectionState State => _finished.Task.IsCompleted ? ConnectionState.Closed
        : _close is { Status: CloseCodes.HeartbeatTimeout } ? ConnectionState.Abnormal
        : _close is not null ? ConnectionState.Closing
        : IdentityId is null ? ConnectionState.Connecting
        : _heartbeat!.Schedule.AwaitingPong ? ConnectionState.HeartbeatCheck
        : _hadMessage is false ? ConnectionState.Connected
        : _time.GetUtcNow() - LastMessage >= _heartbeatOptions!.IdleAfter ? ConnectionState.Idle
        : ConnectionState.Active;

    /// <summary>Cancelled when the connection ends, for whatever reason.</summary>
    public CancellationToken Aborted => _abort.Token;

    public WebSocketCloseStatus? CloseStatus => _close?.Status;

    /// <summary>Completes when <see cref="RunAsync"/> has finished and every relay has stopped.</summary>
    public Task Finished => _finished.Task;

    public DateTimeOffset Now => _time.GetUtcNow();

    public long NowMs => Now.ToUnixTimeMilliseconds();

    /// <summary>Runs the connection until it closes; never throws for the peer's misbehaviour.</summary>
    public async Task RunAsync()
    {
        var writer = WriteLoopAsync();
        _timers.Schedule(this, _time.GetUtcNow() + _slowConsumer.CheckInterval);
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
        Outbox.Complete();
        _abort.CancelAfter(_options.CloseTimeout);
    }

    /// <summary>Queues a frame that must not wait (errors, pongs); a full critical lane means the client is gone in all but name.</summary>
    public void SendCritical(AgentMessage message)
    {
        if (!Outbox.TryEnqueue(message) && _close is null)
        {
            RequestClose(CloseCodes.SlowConsumer, "outbound queue full");
        }
    }

    public ValueTask SendAsync(AgentMessage message) => Outbox.EnqueueAsync(message, _abort.Token);

    /// <summary>Completes the handshake: from now on the connection has an identity and a heartbeat.</summary>
    public void Accept(string identityId, bool clientAcknowledges, HeartbeatSchedule schedule, HeartbeatOptions heartbeatOptions)
    {
        IdentityId = identityId;
        ClientAcknowledges = clientAcknowledges;
        _heartbeatOptions = heartbeatOptions;
        Volatile.Write(ref _lastMessageTicks, _time.GetUtcNow().UtcTicks);
        _heartbeat = new ConnectionHeartbeat(this, schedule, _timers);
        _heartbeat.OnDue(_time.GetUtcNow());
    }

    public ErrorMessage Error(string code, string text, bool retryable = false, string? replyTo = null, string? streamId = null) =>
        new()
        {
            Id = MessageIds.New(),
            Timestamp = NowMs,
            Code = code,
            Message = text,
            Retryable = retryable,
            ReplyTo = replyTo,
            StreamId = streamId,
        };

    /// <summary>The client acknowledged chunks of a stream this connection relays: progress for the slow-consumer watch.</summary>
    public void Acknowledged(string streamId, long seq) => _slowConsumer.Acknowledged(streamId, seq);

    /// <summary>A relay of this connection ended: nothing more of that stream is owed to the client.</summary>
    internal void StoppedRelaying(string streamId) => _slowConsumer.Stopped(streamId);

    /// <summary>Starts relaying a stream from the bus to this client; false when the connection follows too many already.</summary>
    public bool TryFollow(string streamId, StreamPosition from) =>
        _close is null && _relays.TryFollow(streamId, from, _abort.Token);

    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        _abort.Dispose();
        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        using var reader = new FrameReader(_socket, _options.MaxMessageBytes);
        var handshakeDeadline = Task.Delay(_options.HandshakeTimeout, _time, _abort.Token);
        while (true)
        {
            var read = reader.ReadAsync(_abort.Token).AsTask();
            if (IdentityId is null && _close is null
                && await Task.WhenAny(read, handshakeDeadline) == handshakeDeadline
                && handshakeDeadline.IsCompletedSuccessfully && !read.IsCompleted)
            {
                RequestClose(CloseCodes.HandshakeTimeout, "no hello within the handshake timeout");
            }

            var frame = await read;
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
            SendCritical(Error(ErrorCodes.UnknownType, $"Message type '{ex.MessageType}' is not part of protocol v1."));
            return;
        }

        _metrics.Received(message, _encoding, frame.Payload.Length);
        if (!IsHeartbeat(message))
        {
            MarkMessage();
        }

        await _dispatcher.DispatchAsync(this, message);
    }

    private static bool IsHeartbeat(AgentMessage message) =>
        message is ControlMessage { Action: ControlActions.Ping or ControlActions.Pong };

    private void MarkMessage()
    {
        _hadMessage = true;
        Volatile.Write(ref _lastMessageTicks, _time.GetUtcNow().UtcTicks);
    }

    private async Task WriteLoopAsync()
    {
        var buffer = new PooledBufferWriter();
        try
        {
            while (await Outbox.DequeueAsync(_abort.Token) is { } message && _close is null)
            {
                buffer.ResetWrittenCount();
                Codec.Encode(message, buffer);
                _slowConsumer.WriteStarting();
                await _socket.SendAsync(buffer.WrittenMemory, Codec.FrameType, endOfMessage: true, _abort.Token);
                _slowConsumer.Written(message);
                _metrics.Sent(message, _encoding, buffer.WrittenCount, _time.GetUtcNow());
                if (!IsHeartbeat(message) && IdentityId is not null)
                {
                    MarkMessage();
                }

                if (message is AssistantChunk chunk && !ClientAcknowledges)
                {
                    await _signals.AcknowledgeAsync(chunk.StreamId, chunk.Seq, _abort.Token);
                }

                // Keep the buffer through a burst; an idle connection holds none.
                if (Outbox.IsEmpty)
                {
                    buffer.Release();
                }
            }

            if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(close.Status, close.Reason, _abort.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer vanished mid-write; the read side sees the same and ends the connection.
            await _abort.CancelAsync();
        }
        finally
        {
            buffer.Release();
        }
    }

    // A client owed frames that takes none of them for SlowConsumerTimeout is closed (4002), whatever paused
    // first. Its answers live on in the bus (the producer is paused by the missing acknowledgements), so the
    // client resumes them after reconnecting. Closing drops the queued frames at once, and frees the relays at
    // once when they wait for room, otherwise when the close handshake ends (at most CloseTimeout).
    // Checked every CheckInterval on the node's shared timer, from RunAsync until the connection closes.
    void IDueCallback.OnDue(DateTimeOffset now)
    {
        if (_close is not null || _abort.IsCancellationRequested)
        {
            return;
        }

        if (_slowConsumer.IsStalled(now, ClientAcknowledges))
        {
            _metrics.Failure("slow_consumer");
            RequestClose(CloseCodes.SlowConsumer, "slow consumer");
            return;
        }

        _timers.Schedule(this, now + _slowConsumer.CheckInterval);
    }

    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason);
}
