using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using AspireAgent.Bench.Answers;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.FloorPeer;

/// <summary>
/// Accepts WebSockets and holds them with a zero-byte read: nothing per connection but Kestrel's upgraded
/// connection, the socket, one dictionary entry and the read's state machine. A buffer is rented only while a
/// message is arriving; the welcome is encoded once per codec and the same bytes go to everyone. Pongs are
/// recognised without decoding; a question is answered by <see cref="FloorAnswers"/>; anything else is read and
/// dropped.
/// </summary>
internal sealed class FloorConnections(SimulatedAnswerSource answers, TimeProvider time)
{
    private readonly ConcurrentDictionary<WebSocket, IMessageCodec> _sockets = new();
    private readonly Dictionary<IMessageCodec, byte[]> _welcome = MessageCodecs.All.ToDictionary(c => c, c => Encode(c, ControlActions.Welcome));
    private readonly Dictionary<IMessageCodec, byte[]> _ping = MessageCodecs.All.ToDictionary(c => c, c => Encode(c, ControlActions.Ping));

    public async Task HoldAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var codec = requested.Count == 0 ? MessageCodecs.Json
            : MessageCodecs.TryGetBySubProtocol(requested[0], out var chosen) ? chosen : MessageCodecs.Json;
        // No WebSocket keep-alive timer per socket: the sweep's pings keep the connections alive, as in the gateway.
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = requested.Count == 0 ? null : codec.SubProtocol,
            KeepAliveInterval = TimeSpan.Zero,
        });
        try
        {
            // The first message is the client's hello; the welcome goes out before the sweep may ping.
            if (!(await ReceiveAsync(socket, codec, context.RequestAborted)).Open)
            {
                return;
            }

            await socket.SendAsync(_welcome[codec], codec.FrameType, endOfMessage: true, context.RequestAborted);
            _sockets[socket] = codec;
            await using var answering = new FloorAnswers(socket, codec, answers, time);
            while (await ReceiveAsync(socket, codec, context.RequestAborted) is { Open: true } received)
            {
                if (received.Message is UserMessage question)
                {
                    answering.Start(question);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
        }
    }

    /// <summary>Sends the pre-encoded ping to every held socket, one after another (the sweep is the only writer after the welcome).</summary>
    public async Task PingAllAsync(CancellationToken cancellationToken)
    {
        foreach (var (socket, codec) in _sockets)
        {
            try
            {
                await socket.SendAsync(_ping[codec], codec.FrameType, endOfMessage: true, cancellationToken);
            }
            catch (WebSocketException)
            {
                _sockets.TryRemove(socket, out _);
            }
        }
    }

    /// <summary>The next message, decoded unless it is a pong; not open once the client has closed.</summary>
    private static async Task<Received> ReceiveAsync(WebSocket socket, IMessageCodec codec, CancellationToken cancellationToken)
    {
        var ready = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        if (ready.MessageType == WebSocketMessageType.Close)
        {
            return default;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = 0;
            var result = ready;
            while (!result.EndOfMessage)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan().CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return default;
                }

                length += result.Count;
            }

            var frame = buffer.AsMemory(0, length);
            return new Received(Open: true, codec.IsPong(frame) ? null : codec.Decode(frame));
        }
        catch (Exception ex) when (ex is MalformedFrameException or UnknownMessageTypeException)
        {
            return new Received(Open: true, Message: null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Encode(IMessageCodec codec, string action)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        codec.Encode(new ControlMessage { Id = MessageIds.New(), Timestamp = 0, Action = action }, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private readonly record struct Received(bool Open, AgentMessage? Message);
}
