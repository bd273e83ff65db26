using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// One connection to the AspireAgent gateway: the hello/welcome handshake, serialized sends, and answers
/// streamed per user message so that several conversations can stream at once.
/// </summary>
/// <remarks>
/// <para>
/// Each connection has exactly one receive loop, started by <see cref="ConnectAsync"/> and awaited by
/// <see cref="CloseAsync"/> and <see cref="DisposeAsync"/>, so no work outlives the client. Nothing blocks a
/// thread or starts one, which keeps the client usable in Blazor WebAssembly.
/// </para>
/// <para>
/// <see cref="StateChanged"/> and <see cref="UnhandledMessage"/> are raised on the receive loop: handlers must
/// return quickly and must not throw (an exception from a handler ends the connection as
/// <see cref="AgentConnectionState.Failed"/>).
/// </para>
/// </remarks>
public sealed partial class AgentClient : IAsyncDisposable
{
    private readonly AgentClientOptions _options;
    private readonly IMessageCodec _codec;
    private readonly ConnectionStateMachine _state = new();
    private readonly MessageRouter _router;
    private readonly FrameReader _reader;

    // ClientWebSocket allows one outstanding send; the lock also guards the reused encode buffer. It is never
    // disposed: it holds no OS handle, and a sender racing disposal should see the connection's error instead.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _sendBuffer = new();
    private readonly CancellationTokenSource _shutdown = new();
    private ClientWebSocket? _socket;
    private Task _receiveLoop = Task.CompletedTask;
    private volatile bool _closeRequested;
    private bool _disposed;

    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public AgentClient(AgentClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _codec = MessageCodecs.Get(options.Encoding);
        _router = new MessageRouter(options.StreamBufferCapacity);
        _reader = new FrameReader(options.MaxMessageBytes);
        IdentityToken = options.IdentityToken;
        Encoding = options.Encoding;
    }

    public AgentConnectionState State => _state.State;

    /// <summary>Raised after every change of <see cref="State"/>.</summary>
    public event Action<AgentConnectionState>? StateChanged
    {
        add => _state.Changed += value;
        remove => _state.Changed -= value;
    }

    /// <summary>Raised for inbound messages no answer stream claims, such as errors that name no request.</summary>
    public event Action<AgentMessage>? UnhandledMessage;

    /// <summary>The signed identity token; the one from the options until a welcome replaces it. Persist it.</summary>
    public string? IdentityToken { get; private set; }

    /// <summary>The identity the server assigned, from the welcome.</summary>
    public string? IdentityId { get; private set; }

    /// <summary>The gateway node that holds this connection, from the welcome.</summary>
    public string? Node { get; private set; }

    /// <summary>The encoding in use, confirmed by the welcome.</summary>
    public WireEncoding Encoding { get; private set; }

    /// <summary>The close code of the last connection once it closed; null while open or when it dropped without one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public string? CloseDescription { get; private set; }

    /// <summary>Why the last connection failed, when <see cref="State"/> is <see cref="AgentConnectionState.Failed"/>.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Opens the socket, says hello with <see cref="IdentityToken"/>, and waits for the welcome.</summary>
    /// <exception cref="TimeoutException">No welcome within <see cref="AgentClientOptions.HandshakeTimeout"/>.</exception>
    /// <exception cref="AgentConnectionException">The server refused the subprotocol or closed during the handshake.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var previous = _state.State;
        if (!_state.TryTransition(previous, AgentConnectionState.Connecting))
        {
            throw new InvalidOperationException($"Cannot connect while {previous}.");
        }

        await _receiveLoop.ConfigureAwait(false);
        _socket?.Dispose();
        (_closeRequested, CloseStatus, CloseDescription, Failure) = (false, null, null, null);

        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(_codec.SubProtocol);
        _socket = socket;
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _shutdown.Token);
        try
        {
            await socket.ConnectAsync(_options.Endpoint, linked.Token).ConfigureAwait(false);
            if (socket.SubProtocol != _codec.SubProtocol)
            {
                throw new AgentConnectionException(
                    $"The server did not accept subprotocol '{_codec.SubProtocol}' (it chose '{socket.SubProtocol ?? "none"}').");
            }

            // During the handshake an aborted socket is the wanted outcome of a timeout, so the frame may be cancelled.
            await SendCoreAsync(Hello(), linked.Token, linked.Token).ConfigureAwait(false);
            ApplyWelcome(await ReceiveWelcomeAsync(socket, linked.Token).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            socket.Abort();
            (CloseStatus, CloseDescription) = (socket.CloseStatus, socket.CloseStatusDescription);
            Failure = ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? new TimeoutException($"No welcome from {_options.Endpoint} within {_options.HandshakeTimeout}.", ex)
                : ex;
            _state.TryTransition(AgentConnectionState.Connecting, AgentConnectionState.Failed);
            if (ReferenceEquals(Failure, ex))
            {
                throw;
            }

            throw Failure;
        }

        // Reopened first, so a StateChanged handler may start an answer; Connected before the loop starts, so a
        // connection that drops at once still ends as Failed rather than being overwritten with Connected.
        _router.Reopen();
        if (!_state.TryTransition(AgentConnectionState.Connecting, AgentConnectionState.Connected))
        {
            socket.Abort();
            throw new AgentConnectionException("The client was closed while connecting.");
        }

        _receiveLoop = ReceiveLoopAsync(socket);
    }

    /// <summary>
    /// Sends a user message and yields its answer: <see cref="AssistantStart"/>, the <see cref="AssistantChunk"/>s,
    /// then <see cref="AssistantEnd"/>, or a terminal <see cref="ErrorMessage"/> about the request or the stream.
    /// </summary>
    /// <remarks>Leaving the enumeration early drops the rest of the answer; use <see cref="InterruptAsync"/> to stop generating it.</remarks>
    /// <exception cref="AgentConnectionException">The connection ended before the answer did.</exception>
    public async IAsyncEnumerable<AgentMessage> StreamAnswerAsync(
        string conversationId,
        string content,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        ArgumentNullException.ThrowIfNull(content);
        var message = new UserMessage
        {
            Id = MessageIds.New(),
            Timestamp = Now(),
            ConversationId = conversationId,
            Content = content,
        };

        // Subscribed before sending: a fast server may answer before SendAsync returns.
        using var subscription = _router.Subscribe(message.Id, conversationId);
        await SendAsync(message, cancellationToken).ConfigureAwait(false);
        subscription.Sent = true;
        await foreach (var item in subscription.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>Sends any message. Sends are serialized; the token cancels waiting for a turn, never a frame half-sent.</summary>
    /// <exception cref="InvalidOperationException">The client is not <see cref="AgentConnectionState.Connected"/>.</exception>
    public async ValueTask SendAsync(AgentMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = _state.State;
        if (state != AgentConnectionState.Connected)
        {
            throw new InvalidOperationException($"Cannot send while {state}.");
        }

        await SendCoreAsync(message, cancellationToken, _shutdown.Token).ConfigureAwait(false);
    }

    /// <summary>Asks the server to stop generating <paramref name="streamId"/>; the stream still ends with <see cref="AssistantEnd"/>.</summary>
    public ValueTask InterruptAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        return SendAsync(Control(ControlActions.Interrupt, new Dictionary<string, string> { [ControlKeys.StreamId] = streamId }), cancellationToken);
    }

    /// <summary>
    /// Starts the close handshake and waits (at most <see cref="AgentClientOptions.CloseTimeout"/>) for the
    /// server's answer and the end of the receive loop; the socket is aborted if the server does not answer.
    /// </summary>
    public async Task CloseAsync(
        WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure,
        string? description = null,
        CancellationToken cancellationToken = default)
    {
        var socket = _socket;
        if (socket is null || _receiveLoop.IsCompleted)
        {
            _state.TryTransition(AgentConnectionState.Closed);
            return;
        }

        _closeRequested = true;
        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(status, description, _shutdown.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
            }

            await _receiveLoop.WaitAsync(_options.CloseTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or InvalidOperationException)
        {
            socket.Abort();
        }

        await _receiveLoop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await CloseAsync().ConfigureAwait(false);
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        _socket?.Dispose();
        _router.CompleteAll(new ObjectDisposedException(nameof(AgentClient)));
        _state.TryTransition(AgentConnectionState.Closed);
        _shutdown.Dispose();
    }

    /// <param name="waitToken">Cancels waiting for the turn to send.</param>
    /// <param name="frameToken">
    /// Cancels the frame itself, which aborts a ClientWebSocket: callers pass the shutdown token so that only
    /// disposal can break the connection.
    /// </param>
    private async ValueTask SendCoreAsync(AgentMessage message, CancellationToken waitToken, CancellationToken frameToken)
    {
        var socket = _socket ?? throw new InvalidOperationException("Not connected.");
        await _sendLock.WaitAsync(waitToken).ConfigureAwait(false);
        try
        {
            _sendBuffer.ResetWrittenCount();
            _codec.Encode(message, _sendBuffer);
            await socket.SendAsync(_sendBuffer.WrittenMemory, _codec.FrameType, endOfMessage: true, frameToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private ControlMessage Hello() => Control(
        ControlActions.Hello,
        IdentityToken is { Length: > 0 } token ? new Dictionary<string, string> { [ControlKeys.Token] = token } : null);

    private ControlMessage Control(string action, IReadOnlyDictionary<string, string>? payload) => new()
    {
        Id = MessageIds.New(),
        Timestamp = Now(),
        Action = action,
        Payload = payload,
    };

    private long Now() => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
