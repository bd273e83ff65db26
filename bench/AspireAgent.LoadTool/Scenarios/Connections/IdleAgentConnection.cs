using System.Buffers;
using System.Net.WebSockets;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.LoadTool.Scenarios.Connections;

/// <summary>
/// An idle gateway client on a raw <see cref="ClientWebSocket"/> (AgentClient cannot bind a source address):
/// hello, welcome, then only answers the server's pings with pongs — the whole cost of an idle connection.
/// </summary>
internal sealed class IdleAgentConnection : IIdleConnection
{
    private const int BufferBytes = 4096;
    private readonly ClientWebSocket _socket;
    private readonly IMessageCodec _codec;
    private readonly IdleCounters _counters;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _buffer = new byte[BufferBytes];
    private readonly ArrayBufferWriter<byte> _send = new(256);
    private Task _loop = Task.CompletedTask;

    private IdleAgentConnection(ClientWebSocket socket, IMessageCodec codec, IdleCounters counters)
    {
        (_socket, _codec, _counters) = (socket, codec, counters);
    }

    public bool Stopping { private get; set; }

    public static async Task<IdleAgentConnection> OpenAsync(
        Uri endpoint, IMessageCodec codec, HttpMessageInvoker invoker, IdleCounters counters, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(codec.SubProtocol);

        // No WebSocket protocol pings from the client: liveness is the gateway's application heartbeat.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var connection = new IdleAgentConnection(socket, codec, counters);
        try
        {
            await socket.ConnectAsync(endpoint, invoker, cancellationToken);
            await connection.SendAsync(Control(ControlActions.Hello, null), cancellationToken);
            while (await connection.ReceiveAsync(cancellationToken) is not ControlMessage { Action: ControlActions.Welcome })
            {
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        connection._loop = connection.LoopAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        Stopping = true;
        await _stop.CancelAsync();
        _socket.Abort();
        await _loop;
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                var message = await ReceiveAsync(_stop.Token);
                if (message is ControlMessage { Action: ControlActions.Ping } ping)
                {
                    _counters.Ping();
                    await SendAsync(Control(ControlActions.Pong, new Dictionary<string, string> { [ControlKeys.ReplyTo] = ping.Id }), _stop.Token);
                }
            }
        }
        catch (Exception ex)
        {
            if (!Stopping)
            {
                _counters.Close((int?)_socket.CloseStatus, $"{_socket.CloseStatus?.ToString() ?? "no close frame"}: {ex.Message}");
            }
        }
    }

    /// <returns>The next message, or null for a frame of an unknown type.</returns>
    private async Task<AgentMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"closed by the server ({(int?)_socket.CloseStatus})");
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                try
                {
                    return _codec.Decode(_buffer.AsMemory(0, length));
                }
                catch (UnknownMessageTypeException)
                {
                    return null;
                }
            }

            if (length == _buffer.Length)
            {
                throw new WebSocketException($"a message over {BufferBytes} bytes");
            }
        }
    }

    private async Task SendAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        _send.ResetWrittenCount();
        _codec.Encode(message, _send);
        await _socket.SendAsync(_send.WrittenMemory, _codec.FrameType, endOfMessage: true, cancellationToken);
    }

    private static ControlMessage Control(string action, IReadOnlyDictionary<string, string>? payload) => new()
    {
        Id = MessageIds.New(),
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        Action = action,
        Payload = payload,
    };
}
