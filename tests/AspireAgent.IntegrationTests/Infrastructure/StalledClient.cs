using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using NetSocket = System.Net.Sockets.Socket;

namespace AspireAgent.IntegrationTests.Infrastructure;

/// <summary>
/// A client that upgrades, says hello, asks a question and then never reads again, over a socket whose
/// receive buffer is tiny — so the server's writes back up within kilobytes instead of the megabytes a
/// loopback socket would otherwise absorb. The upgrade is done by hand because ClientWebSocket cannot size
/// its socket's buffers.
/// </summary>
public sealed class StalledClient : IAsyncDisposable
{
    private readonly NetSocket _socket;
    private readonly WebSocket _webSocket;
    private readonly IMessageCodec _codec = MessageCodecs.Json;

    private StalledClient(NetSocket socket, WebSocket webSocket) => (_socket, _webSocket) = (socket, webSocket);

    public static async Task<StalledClient> ConnectAsync(Uri gateway)
    {
        var socket = new NetSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 2048 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(gateway.Host), gateway.Port));
        var stream = new NetworkStream(socket, ownsSocket: false);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {gateway.AbsolutePath} HTTP/1.1\r\nHost: {gateway.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {MessageCodecs.JsonSubProtocol}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        // Read the response head byte by byte: nothing of the WebSocket stream after it may be consumed here.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("The server closed during the upgrade.");
            }

            head.Append((char)one[0]);
        }

        if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException($"Upgrade refused: {head}");
        }

        var webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, SubProtocol = MessageCodecs.JsonSubProtocol });
        return new StalledClient(socket, webSocket);
    }

    public async Task SendAsync(AgentMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _codec.Encode(message, buffer);
        await _webSocket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
    }

    /// <summary>Sends hello and one question; reads nothing, ever.</summary>
    public async Task AskAndStallAsync(string conversationId, string content)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await SendAsync(new ControlMessage { Id = MessageIds.New(), Timestamp = now, Action = ControlActions.Hello });
        await SendAsync(new UserMessage { Id = MessageIds.New(), Timestamp = now, ConversationId = conversationId, Content = content });
    }

    public ValueTask DisposeAsync()
    {
        _webSocket.Abort();
        _webSocket.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
