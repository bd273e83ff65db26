using System.Net.WebSockets;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Protocol.Client;

/// <summary>The inbound half of a connection: its receive loop, and how it ended.</summary>
public sealed partial class AgentClient
{
    /// <summary>Reads and dispatches until the connection ends; never throws, returns how it ended instead.</summary>
    private async Task<ConnectionLoss> ReceiveLoopAsync(LiveConnection connection)
    {
        var socket = connection.Socket;
        try
        {
            while (true)
            {
                var frame = await _reader.ReadAsync(socket, _shutdown.Token).ConfigureAwait(false);
                if (connection.MarkReceived())
                {
                    RefreshState(); // the heartbeat ping was answered
                }

                if (frame.IsClose)
                {
                    await AcknowledgeCloseAsync(socket).ConfigureAwait(false);
                    var kind = _closeRequested ? LossKind.ClosedByClient : LossKind.ClosedByServer;
                    return new ConnectionLoss(kind, socket.CloseStatus, socket.CloseStatusDescription, null);
                }

                if (Decode(frame) is { } message)
                {
                    await DispatchAsync(connection, message).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (_shutdown.IsCancellationRequested)
        {
            return new ConnectionLoss(LossKind.ClosedByClient, null, null, null); // disposal aborted the socket on purpose
        }
        catch (FrameTooLargeException ex)
        {
            await CloseOutputQuietlyAsync(socket, WebSocketCloseStatus.MessageTooBig, "Message too big.").ConfigureAwait(false);
            return new ConnectionLoss(LossKind.Rejected, WebSocketCloseStatus.MessageTooBig, ex.Message, ex);
        }
        catch (MalformedFrameException ex)
        {
            await CloseOutputQuietlyAsync(socket, WebSocketCloseStatus.InvalidPayloadData, "Malformed frame.").ConfigureAwait(false);
            return new ConnectionLoss(LossKind.Rejected, WebSocketCloseStatus.InvalidPayloadData, ex.Message, ex);
        }
        catch (StreamGapException ex)
        {
            // Resuming replays from the last chunk the reader has; only a new connection can follow the stream again.
            socket.Abort();
            return new ConnectionLoss(LossKind.Gap, null, null, ex);
        }
        catch (Exception ex)
        {
            // Socket errors and aborts (ours, for heartbeat silence, included) end the connection the same way.
            return connection.Forced
                ?? new ConnectionLoss(_closeRequested ? LossKind.ClosedByClient : LossKind.Dropped, socket.CloseStatus, socket.CloseStatusDescription, ex);
        }
    }

    private async ValueTask DispatchAsync(LiveConnection connection, AgentMessage message)
    {
        if (message is ControlMessage { Action: ControlActions.Ping } ping)
        {
            var pong = Control(ControlActions.Pong, new Dictionary<string, string> { [ControlKeys.ReplyTo] = ping.Id });
            await SendFrameAsync(connection.Socket, pong, _shutdown.Token, _shutdown.Token).ConfigureAwait(false);
            return;
        }

        if (message is ControlMessage { Action: ControlActions.Pong })
        {
            return; // its arrival was the point
        }

        if (_requests.TryComplete(message))
        {
            return;
        }

        bool routed;
        connection.SetDelivering(true);
        try
        {
            routed = await _router.RouteAsync(message, _shutdown.Token).ConfigureAwait(false);
        }
        finally
        {
            connection.SetDelivering(false);
        }

        if (!routed)
        {
            UnhandledMessage?.Invoke(message);
        }
    }

    private AgentMessage? Decode(ReceivedFrame frame)
    {
        if (frame.Type != _codec.FrameType)
        {
            throw new MalformedFrameException($"{_codec.SubProtocol} uses {_codec.FrameType} frames, not {frame.Type}.");
        }

        try
        {
            return _codec.Decode(frame.Payload);
        }
        catch (UnknownMessageTypeException)
        {
            // A newer server may send types this client predates; skipping them keeps the connection compatible.
            return null;
        }
    }

    /// <summary>Completes a close the server started, so the socket reaches Closed rather than lingering half-closed.</summary>
    private async ValueTask AcknowledgeCloseAsync(ClientWebSocket socket)
    {
        if (socket.State == WebSocketState.CloseReceived)
        {
            await CloseOutputQuietlyAsync(socket, socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription)
                .ConfigureAwait(false);
        }
    }

    private async ValueTask CloseOutputQuietlyAsync(ClientWebSocket socket, WebSocketCloseStatus status, string? description)
    {
        try
        {
            await _sendLock.WaitAsync(_shutdown.Token).ConfigureAwait(false);
            try
            {
                await socket.CloseOutputAsync(status, description, _shutdown.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or InvalidOperationException or ArgumentException)
        {
            // The connection is ending either way; the close frame is a courtesy.
        }
    }

    private static string DescribeClose(WebSocket socket) => socket.CloseStatus switch
    {
        null => "no close frame",
        { } status when string.IsNullOrEmpty(socket.CloseStatusDescription) => $"close {(int)status}",
        { } status => $"close {(int)status}: {socket.CloseStatusDescription}",
    };
}
