using System.Buffers;
using System.Net.WebSockets;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>
/// A light protocol client for load: one WebSocket, a small growing receive buffer (a thousand of them must
/// fit comfortably), pongs answered so the gateway's heartbeat never closes it.
/// </summary>
internal sealed class AgentConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly IMessageCodec _codec;
    private byte[] _buffer = new byte[4 * 1024];
    private Task<AgentMessage?>? _pending;

    private AgentConnection(ClientWebSocket socket, IMessageCodec codec) => (_socket, _codec) = (socket, codec);

    /// <summary>The node that served the handshake (<c>welcome.node</c>).</summary>
    public string? Node { get; private set; }

    public string? IdentityToken { get; private set; }

    public string? IdentityId { get; private set; }

    public static async Task<AgentConnection> OpenAsync(Uri uri, string? token, WireEncoding encoding, CancellationToken cancellationToken)
    {
        var codec = MessageCodecs.Get(encoding);
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(codec.SubProtocol);
        var connection = new AgentConnection(socket, codec);
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
            var payload = new Dictionary<string, string>();
            if (token is not null)
            {
                payload[ControlKeys.Token] = token;
            }

            await connection.SendAsync(new ControlMessage { Id = MessageIds.New(), Timestamp = Now, Action = ControlActions.Hello, Payload = payload }, cancellationToken);
            while (await connection.ReceiveAsync(TimeSpan.FromSeconds(15), cancellationToken) is { } message)
            {
                if (message is ControlMessage { Action: ControlActions.Welcome } welcome)
                {
                    connection.Node = welcome.Get(ControlKeys.Node);
                    connection.IdentityToken = welcome.Get(ControlKeys.Token);
                    connection.IdentityId = welcome.Get(ControlKeys.Identity);
                    return connection;
                }
            }

            throw new WebSocketException("Closed before welcome.");
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task SendAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        _codec.Encode(message, buffer);
        await _socket.SendAsync(buffer.WrittenMemory, _codec.FrameType, endOfMessage: true, cancellationToken);
    }

    /// <summary>The next application frame (pings are answered here), or null once the server closed.</summary>
    /// <exception cref="TimeoutException">Nothing came in time; the read stays pending for the next call.</exception>
    /// <exception cref="WebSocketException">The connection died.</exception>
    public async Task<AgentMessage?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            _pending ??= ReceiveFrameAsync();
            var pending = _pending;
            if (await Task.WhenAny(pending, Task.Delay(timeout, cancellationToken)) != pending)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"No frame within {timeout}.");
            }

            _pending = null;
            var message = await pending;
            if (message is ControlMessage { Action: ControlActions.Ping } ping)
            {
                await SendAsync(new ControlMessage
                {
                    Id = MessageIds.New(), Timestamp = Now, Action = ControlActions.Pong,
                    Payload = new Dictionary<string, string> { [ControlKeys.ReplyTo] = ping.Id },
                }, cancellationToken);
                continue;
            }

            return message;
        }
    }

    /// <summary>Drops the TCP connection without a close handshake, as a client whose network vanished would.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }

    private async Task<AgentMessage?> ReceiveFrameAsync()
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return _codec.Decode(_buffer.AsMemory(0, length));
            }
        }
    }
}
