using System.Net.WebSockets;
using System.Text;

namespace AspireAgent.LoadTool.Scenarios.Connections;

/// <summary>
/// An idle SignalR client on a raw <see cref="ClientWebSocket"/> bound to a source address, speaking just enough
/// of the hub protocol (MessagePack): the handshake, then a ping every keep-alive interval — what HubConnection
/// does when idle — while counting the server's pings. Negotiation is skipped, as a WebSockets-only client does.
/// </summary>
internal sealed class IdleSignalRConnection : IIdleConnection
{
    private const byte RecordSeparator = 0x1e;

    // A MessagePack hub message is a varint length prefix and an array; ping is [6]: 0x91 0x06, 2 bytes long.
    private static readonly byte[] Ping = [0x02, 0x91, 0x06];
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"messagepack\",\"version\":1}\u001e");

    private readonly ClientWebSocket _socket;
    private readonly IdleCounters _counters;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _buffer = new byte[1024];
    private Task _receive = Task.CompletedTask;
    private Task _ping = Task.CompletedTask;

    private IdleSignalRConnection(ClientWebSocket socket, IdleCounters counters) => (_socket, _counters) = (socket, counters);

    public bool Stopping { private get; set; }

    public static async Task<IdleSignalRConnection> OpenAsync(
        Uri hub, TimeSpan keepAlive, HttpMessageInvoker invoker, IdleCounters counters, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var connection = new IdleSignalRConnection(socket, counters);
        try
        {
            await socket.ConnectAsync(new UriBuilder(hub) { Scheme = "ws" }.Uri, invoker, cancellationToken);
            await socket.SendAsync(Handshake, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            var response = await socket.ReceiveAsync(connection._buffer, cancellationToken);
            var text = Encoding.UTF8.GetString(connection._buffer, 0, response.Count);
            // The handshake answer is JSON, but on a binary protocol it arrives in a binary frame.
            if (response.Count == 0 || text.Contains("error", StringComparison.Ordinal)
                || connection._buffer[response.Count - 1] != RecordSeparator)
            {
                throw new WebSocketException($"SignalR handshake refused: {text}");
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        connection._receive = connection.ReceiveLoopAsync();
        connection._ping = connection.PingLoopAsync(keepAlive);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        Stopping = true;
        await _stop.CancelAsync();
        _socket.Abort();
        await _receive;
        await _ping;
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(_buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new WebSocketException($"closed by the server ({(int?)_socket.CloseStatus})");
                }

                // Idle, the server sends nothing but pings ([6]) and, when it drops us, close ([7, …]).
                if (result.Count >= 3 && _buffer[1] == 0x91 && _buffer[2] == 0x06)
                {
                    _counters.Ping();
                }
                else if (result.Count >= 3 && _buffer[2] == 0x07)
                {
                    throw new WebSocketException("the hub sent a close message");
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

    private async Task PingLoopAsync(TimeSpan keepAlive)
    {
        try
        {
            // Spread the clients' pings over the interval instead of sending them all at once.
            await Task.Delay(keepAlive * Random.Shared.NextDouble(), _stop.Token);
            using var timer = new PeriodicTimer(keepAlive);
            do
            {
                await _socket.SendAsync(Ping, WebSocketMessageType.Binary, endOfMessage: true, _stop.Token);
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (Exception) when (_stop.IsCancellationRequested || _socket.State != WebSocketState.Open)
        {
            // Stopping, or the receive loop has seen (and counted) the end of the connection.
        }
    }
}
