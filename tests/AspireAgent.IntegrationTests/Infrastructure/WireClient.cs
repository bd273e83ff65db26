using System.Buffers;
using System.Net.WebSockets;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.Infrastructure;

/// <summary>
/// A raw protocol client over a real <see cref="ClientWebSocket"/>: it sends exactly what a test tells it
/// (bad frames included) and hands back each decoded frame, so tests see the wire as it is.
/// </summary>
public sealed class WireClient : IAsyncDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly byte[] _buffer = new byte[1024 * 1024];
    private Task<AgentMessage?>? _pending;

    private WireClient(ClientWebSocket socket, IMessageCodec codec)
    {
        _socket = socket;
        Codec = codec;
    }

    public IMessageCodec Codec { get; }

    /// <summary>Whether the server agreed to permessage-deflate in the upgrade response.</summary>
    public bool Compressed => _socket.HttpResponseHeaders?.TryGetValue("Sec-WebSocket-Extensions", out var values) == true
        && values.Any(v => v.Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase));

    public WebSocket Socket => _socket;

    public string? IdentityToken { get; private set; }

    public string? IdentityId { get; private set; }

    public static async Task<WireClient> ConnectAsync(
        Uri uri, WireEncoding encoding = WireEncoding.Json, string? origin = null, bool offerCompression = false, string? bearer = null)
    {
        var codec = MessageCodecs.Get(encoding);
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(codec.SubProtocol);
        socket.Options.CollectHttpResponseDetails = true;
        if (offerCompression)
        {
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }

        if (bearer is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new WireClient(socket, codec);
    }

    /// <summary>Connects and completes the handshake, presenting <paramref name="token"/> when given.</summary>
    public static async Task<WireClient> ConnectAndHelloAsync(
        Uri uri, WireEncoding encoding = WireEncoding.Json, string? token = null, string? bearer = null)
    {
        var client = await ConnectAsync(uri, encoding, bearer: bearer);
        await client.HelloAsync(token);
        return client;
    }

    public async Task<ControlMessage> HelloAsync(string? token = null, string? heartbeat = null, string? flow = null)
    {
        var payload = new Dictionary<string, string>();
        if (flow is not null)
        {
            payload[ControlKeys.Flow] = flow;
        }

        if (token is not null)
        {
            payload[ControlKeys.Token] = token;
        }

        if (heartbeat is not null)
        {
            payload[ControlKeys.Heartbeat] = heartbeat;
        }

        var hello = new ControlMessage { Id = MessageIds.New(), Timestamp = Now, Action = ControlActions.Hello, Payload = payload };
        await SendAsync(hello);
        var welcome = await ReceiveAsync<ControlMessage>(m => m is ControlMessage { Action: ControlActions.Welcome });
        IdentityToken = welcome.Get(ControlKeys.Token);
        IdentityId = welcome.Get(ControlKeys.Identity);
        return welcome;
    }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public UserMessage UserMessage(string conversationId, string content) =>
        new() { Id = MessageIds.New(), Timestamp = Now, ConversationId = conversationId, Content = content };

    public ControlMessage Control(string action, Dictionary<string, string>? payload = null) =>
        new() { Id = MessageIds.New(), Timestamp = Now, Action = action, Payload = payload };

    public async Task SendAsync(AgentMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Codec.Encode(message, buffer);
        await SendRawAsync(buffer.WrittenMemory, Codec.FrameType);
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        await _socket.SendAsync(payload, type, endOfMessage: true, timeout.Token);
    }

    /// <summary>
    /// The next frame, or null when the server closed the connection (see <see cref="CloseStatus"/>).
    /// Throws <see cref="TimeoutException"/> when nothing came in time; the read stays pending for the next call,
    /// because cancelling a WebSocket receive would abort the socket.
    /// </summary>
    public async Task<AgentMessage?> ReceiveAsync(TimeSpan? timeout = null)
    {
        _pending ??= ReceiveFrameAsync();
        var pending = _pending;
        if (await Task.WhenAny(pending, Task.Delay(timeout ?? ReceiveTimeout)) != pending)
        {
            throw new TimeoutException("No frame arrived in time.");
        }

        _pending = null;
        return await pending;
    }

    /// <summary>True when no frame arrives within <paramref name="quiet"/>.</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan quiet)
    {
        try
        {
            var message = await ReceiveAsync(quiet);
            throw new InvalidOperationException($"Expected silence, got {message?.Type ?? "a close"}.");
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    private async Task<AgentMessage?> ReceiveFrameAsync()
    {
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // A well-behaved peer completes the close handshake at once.
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return Codec.Decode(_buffer.AsMemory(0, length));
            }
        }
    }

    /// <summary>Skips frames until one matches; fails on close or timeout.</summary>
    public async Task<T> ReceiveAsync<T>(Func<AgentMessage, bool>? match = null)
        where T : AgentMessage
    {
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new InvalidOperationException(
                $"Closed ({CloseStatus} {CloseDescription}) while waiting for {typeof(T).Name}.");
            if (message is T typed && (match is null || match(message)))
            {
                return typed;
            }
        }
    }

    /// <summary>Reads frames until the server closes; returns what arrived before the close.</summary>
    public async Task<List<AgentMessage>> ReceiveUntilClosedAsync(TimeSpan? timeout = null)
    {
        var received = new List<AgentMessage>();
        while (await ReceiveAsync(timeout) is { } message)
        {
            received.Add(message);
        }

        return received;
    }

    /// <summary>Sends a user message and collects its answer: start, chunks, end.</summary>
    public async Task<Answer> AskAsync(string conversationId, string content)
    {
        var question = UserMessage(conversationId, content);
        await SendAsync(question);
        return await ReadAnswerAsync(question.Id);
    }

    public async Task<Answer> ReadAnswerAsync(string? replyTo)
    {
        var start = await ReceiveAsync<AssistantStart>(m => m is AssistantStart s && (replyTo is null || s.ReplyTo == replyTo));
        var chunks = new List<AssistantChunk>();
        var end = await ReadRestAsync(start.StreamId, chunks);
        return new Answer(start, chunks, end);
    }

    /// <summary>Adds the stream's chunks to <paramref name="chunks"/> until its end (after a resume, say), and returns the end.</summary>
    public async Task<AssistantEnd> ReadRestAsync(string streamId, List<AssistantChunk> chunks)
    {
        while (true)
        {
            switch (await ReceiveAsync<AgentMessage>(m => m is AssistantChunk c && c.StreamId == streamId
                       || m is AssistantEnd e && e.StreamId == streamId))
            {
                case AssistantChunk chunk:
                    chunks.Add(chunk);
                    break;
                case AssistantEnd end:
                    return end;
            }
        }
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public async ValueTask DisposeAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }
}

public sealed record Answer(AssistantStart Start, IReadOnlyList<AssistantChunk> Chunks, AssistantEnd End)
{
    public string Concatenated => string.Concat(Chunks.Select(c => c.Delta));

    public IEnumerable<long> Seqs => Chunks.Select(c => c.Seq);
}
