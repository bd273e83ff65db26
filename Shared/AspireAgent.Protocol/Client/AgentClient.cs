using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// A resilient connection to the AspireAgent gateway: the hello/welcome handshake, serialized sends, answers
/// streamed per user message (several conversations at once), and recovery — reconnect with backoff, resume
/// of every answer in progress without gap or duplicate, acknowledgements, and the application heartbeat.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ConnectAsync"/> opens the first connection and starts the supervisor: one task that runs each
/// connection (its receive, heartbeat and acknowledgement loops), decides after a loss whether and when to
/// reconnect, and resumes the answers on the new connection. <see cref="CloseAsync"/> and
/// <see cref="DisposeAsync"/> await it, so no work outlives the client. Nothing blocks a thread or starts one,
/// which keeps the client usable in Blazor WebAssembly.
/// </para>
/// <para>
/// <see cref="StateChanged"/>, <see cref="ReconnectChanged"/> and <see cref="UnhandledMessage"/> are raised on
/// the client's loops: handlers must return quickly and must not throw.
/// </para>
/// </remarks>
public sealed partial class AgentClient : IAsyncDisposable
{
    private readonly AgentClientOptions _options;
    private readonly TimeProvider _time;
    private readonly IMessageCodec _codec;
    private readonly ConnectionStateMachine _state = new();
    private readonly MessageRouter _router;
    private readonly FrameReader _reader;
    private readonly Acknowledger? _acks;

    // ClientWebSocket allows one outstanding send; the lock also guards the reused encode buffer. It is never
    // disposed: it holds no OS handle, and a sender racing disposal should see the connection's error instead.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _sendBuffer = new();
    private readonly CancellationTokenSource _shutdown = new();
    private volatile LiveConnection? _connection;
    private Task _supervisor = Task.CompletedTask;
    private CancellationTokenSource? _session;
    private TaskCompletionSource _retryNow = NewSignal();
    private volatile bool _closeRequested;
    private bool _disposed;

    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public AgentClient(AgentClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = options.TimeProvider;
        _codec = MessageCodecs.Get(options.Encoding);
        _router = new MessageRouter(options.StreamBufferCapacity);
        _router.CountChanged += RefreshState;
        _reader = new FrameReader(options.MaxMessageBytes);
        _acks = options.AcknowledgeChunks ? new Acknowledger(_router, options.AcknowledgeEvery, options.AcknowledgeDelay, _time) : null;
        IdentityToken = options.IdentityToken;
        Encoding = options.Encoding;
    }

    public AgentConnectionState State => _state.State;

    /// <summary>Whether the connection is open, so that messages can be sent (see <see cref="AgentConnectionStates.IsOpen"/>).</summary>
    public bool IsOpen => _state.State.IsOpen();

    /// <summary>Raised after every change of <see cref="State"/>.</summary>
    public event Action<AgentConnectionState>? StateChanged
    {
        add => _state.Changed += value;
        remove => _state.Changed -= value;
    }

    /// <summary>Raised when a reconnect attempt is scheduled (with its time) and again when it starts.</summary>
    public event Action<ReconnectStatus>? ReconnectChanged;

    /// <summary>Raised for inbound messages no answer stream claims, such as errors that name no request.</summary>
    public event Action<AgentMessage>? UnhandledMessage;

    /// <summary>The reconnect under way while <see cref="State"/> is <see cref="AgentConnectionState.Reconnecting"/>; null otherwise.</summary>
    public ReconnectStatus? Reconnect { get; private set; }

    /// <summary>The signed identity token; the one from the options until a welcome replaces it. Persist it.</summary>
    public string? IdentityToken { get; private set; }

    /// <summary>The identity the server assigned, from the welcome.</summary>
    public string? IdentityId { get; private set; }

    /// <summary>The gateway node that holds this connection, from the welcome.</summary>
    public string? Node { get; private set; }

    /// <summary>The encoding in use, confirmed by the welcome.</summary>
    public WireEncoding Encoding { get; private set; }

    /// <summary>The heartbeat strategy in force (<c>fixed</c>, <c>adaptive</c>, <c>on-demand</c>, <c>application</c>), from the welcome.</summary>
    public string? Heartbeat { get; private set; }

    /// <summary>The heartbeat interval, from the welcome.</summary>
    public TimeSpan? HeartbeatInterval { get; private set; }

    /// <summary>The close code of the last connection once it closed; null while open or when it dropped without one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public string? CloseDescription { get; private set; }

    /// <summary>Why the client failed, when <see cref="State"/> is <see cref="AgentConnectionState.Failed"/>.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>
    /// Opens the socket, says hello with <see cref="IdentityToken"/>, and waits for the welcome; from then on the
    /// client keeps itself connected until it is closed, fails, or is disposed. Does not retry the first
    /// connection: a failure here is reported at once (and the state is <see cref="AgentConnectionState.Failed"/>).
    /// </summary>
    /// <exception cref="TimeoutException">No welcome within <see cref="AgentClientOptions.HandshakeTimeout"/>.</exception>
    /// <exception cref="AgentConnectionException">The server refused the subprotocol or closed during the handshake.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var previous = _state.State;
        if (previous is not (AgentConnectionState.Disconnected or AgentConnectionState.Failed or AgentConnectionState.Closed)
            || !_state.TryTransition(previous, AgentConnectionState.Connecting))
        {
            throw new InvalidOperationException($"Cannot connect while {previous}.");
        }

        await _supervisor.ConfigureAwait(false);
        _connection?.Dispose();
        (_closeRequested, CloseStatus, CloseDescription, Failure, Reconnect) = (false, null, null, null, null);
        _session?.Dispose();
        var session = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        _session = session;

        LiveConnection connection;
        try
        {
            connection = await OpenAsync(cancellationToken, session.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Failure = ex;
            _state.TryTransition(AgentConnectionState.Connecting, AgentConnectionState.Failed);
            throw;
        }

        if (!Activate(connection, AgentConnectionState.Connecting))
        {
            connection.Socket.Abort();
            throw new AgentConnectionException("The client was closed while connecting.");
        }

        _supervisor = SuperviseAsync(connection, session.Token);
    }

    /// <summary>
    /// Sends a user message and yields its answer: <see cref="AssistantStart"/>, the <see cref="AssistantChunk"/>s,
    /// then <see cref="AssistantEnd"/>, or a terminal <see cref="ErrorMessage"/> about the request or the stream
    /// (for example <c>stream_not_found</c> when a resume came after the stream's retention). The enumeration
    /// survives reconnects: the answer resumes after the last chunk it yielded, with no gap and no duplicate.
    /// </summary>
    /// <remarks>
    /// Leaving the enumeration early drops the rest of the answer; use <see cref="InterruptAsync"/> to stop generating it.
    /// Unless <see cref="AgentClientOptions.ManualAcknowledgement"/> is set, a chunk is acknowledged once the reader
    /// comes back for the next item.
    /// </remarks>
    /// <exception cref="AnswerLostException">The connection was lost before the answer's start arrived.</exception>
    /// <exception cref="AgentConnectionException">The client failed or was closed before the answer ended.</exception>
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

        // Subscribed before sending: a fast server may answer before SendAsync returns. Marked sent before sending
        // too: a loss during the send must treat the message as possibly delivered.
        using var subscription = _router.Subscribe(message.Id, conversationId);
        subscription.Sent = true;
        try
        {
            await SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            subscription.Sent = false;
            throw;
        }

        await foreach (var item in ReadAnswerAsync(subscription, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>The subscription's messages; unless acknowledgement is manual, each chunk is acknowledged once the reader is back for more.</summary>
    private async IAsyncEnumerable<AgentMessage> ReadAnswerAsync(
        AnswerSubscription subscription, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var acknowledge = _acks is not null && !_options.ManualAcknowledgement;
        await foreach (var item in subscription.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;

            // Back for more: the reader is done with the chunk.
            if (acknowledge && item is AssistantChunk chunk)
            {
                _acks!.Taken(subscription, chunk.Seq);
            }
        }
    }

    /// <summary>
    /// With <see cref="AgentClientOptions.ManualAcknowledgement"/>: the application has rendered every chunk of
    /// <paramref name="streamId"/> up to <paramref name="seq"/>. Batched like automatic acks; never waits.
    /// </summary>
    public void Acknowledge(string streamId, long seq)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        if (_acks is not null && _router.FindByStream(streamId) is { } subscription)
        {
            _acks.Taken(subscription, seq);
        }
    }

    /// <summary>Sends any message. Sends are serialized; the token cancels waiting for a turn, never a frame half-sent.</summary>
    /// <exception cref="InvalidOperationException">The connection is not open (see <see cref="IsOpen"/>).</exception>
    public async ValueTask SendAsync(AgentMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = _state.State;
        if (!state.IsOpen())
        {
            throw new InvalidOperationException($"Cannot send while {state}.");
        }

        await SendCoreAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the server to stop generating <paramref name="streamId"/>; the stream still ends with <see cref="AssistantEnd"/>.</summary>
    public ValueTask InterruptAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        return SendAsync(Control(ControlActions.Interrupt, new Dictionary<string, string> { [ControlKeys.StreamId] = streamId }), cancellationToken);
    }

    /// <summary>
    /// While <see cref="AgentConnectionState.Reconnecting"/>: makes the scheduled attempt now. While
    /// <see cref="AgentConnectionState.Failed"/> or <see cref="AgentConnectionState.Closed"/>: connects again
    /// (like <see cref="ConnectAsync"/>). Otherwise does nothing.
    /// </summary>
    public Task RetryNowAsync(CancellationToken cancellationToken = default)
    {
        switch (_state.State)
        {
            case AgentConnectionState.Reconnecting:
                Volatile.Read(ref _retryNow).TrySetResult();
                return Task.CompletedTask;
            case AgentConnectionState.Failed or AgentConnectionState.Closed:
                return ConnectAsync(cancellationToken);
            default:
                return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Starts the close handshake and waits (at most <see cref="AgentClientOptions.CloseTimeout"/>) for the
    /// server's answer and the end of the connection's loops; the socket is aborted if the server does not
    /// answer. While reconnecting, stops reconnecting. Answers still in progress end with an error.
    /// </summary>
    public async Task CloseAsync(
        WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure,
        string? description = null,
        CancellationToken cancellationToken = default)
    {
        _closeRequested = true;
        var supervisor = _supervisor;
        if (supervisor.IsCompleted)
        {
            _state.TryTransition(AgentConnectionState.Closed);
            return;
        }

        if (_connection is { } connection && _state.State.IsOpen())
        {
            var socket = connection.Socket;
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

                await supervisor.WaitAsync(_options.CloseTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException or InvalidOperationException)
            {
                socket.Abort();
            }
        }

        // Reconnecting, or a server that did not answer: the supervisor stops wherever it waits.
        await CancelSessionAsync().ConfigureAwait(false);
        await supervisor.ConfigureAwait(false);
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
        await _supervisor.ConfigureAwait(false);
        _connection?.Dispose();
        _router.CompleteAll(new ObjectDisposedException(nameof(AgentClient)));
        _state.TryTransition(AgentConnectionState.Closed);
        _session?.Dispose();
        _acks?.Dispose();
        _shutdown.Dispose();
    }

    private async Task CancelSessionAsync()
    {
        try
        {
            if (_session is { } session)
            {
                await session.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            // A newer ConnectAsync replaced it; that connection is not the one being closed.
        }
    }

    /// <summary>Moves to the open state the connection's facts call for (answers, heartbeat).</summary>
    private void RefreshState() => _state.Refresh(() =>
    {
        var count = _router.Count;
        var connection = _connection;
        if (connection is null)
        {
            return new OpenFacts(count, false, false);
        }

        connection.HadAnswer |= count > 0;
        return new OpenFacts(count, connection.HadAnswer, connection.AwaitingPong);
    });

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
