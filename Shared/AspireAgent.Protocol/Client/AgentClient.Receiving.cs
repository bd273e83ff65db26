using System.Net.WebSockets;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Protocol.Client;

/// <summary>The inbound half: the handshake's wait for welcome and the connection's receive loop.</summary>
public sealed partial class AgentClient
{
    private async Task<ControlMessage> ReceiveWelcomeAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await _reader.ReadAsync(socket, cancellationToken).ConfigureAwait(false);
            if (frame.IsClose)
            {
                throw new AgentConnectionException(
                    $"The server closed the connection during the handshake ({DescribeClose(socket)}).",
                    socket.CloseStatus);
            }

            switch (Decode(frame))
            {
                case ControlMessage { Action: ControlActions.Welcome } welcome:
                    return welcome;
                case { } other:
                    // For example identity_rejected: the welcome that follows carries the new identity.
                    UnhandledMessage?.Invoke(other);
                    break;
            }
        }
    }

    private void ApplyWelcome(ControlMessage welcome)
    {
        var encoding = ParseEncoding(welcome.Get(ControlKeys.Encoding)) ?? _codec.Encoding;
        if (encoding != _codec.Encoding)
        {
            throw new AgentConnectionException($"The server welcomed with encoding {encoding}, but {_codec.Encoding} was negotiated.");
        }

        IdentityToken = welcome.Get(ControlKeys.Token) ?? IdentityToken;
        IdentityId = welcome.Get(ControlKeys.Identity);
        Node = welcome.Get(ControlKeys.Node);
        Encoding = encoding;
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var frame = await _reader.ReadAsync(socket, _shutdown.Token).ConfigureAwait(false);
                if (frame.IsClose)
                {
                    await AcknowledgeCloseAsync(socket).ConfigureAwait(false);
                    break;
                }

                if (Decode(frame) is { } message)
                {
                    await DispatchAsync(message).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (_shutdown.IsCancellationRequested)
        {
            // Disposal: the socket was aborted on purpose.
        }
        catch (FrameTooLargeException ex)
        {
            failure = ex;
            await CloseOutputQuietlyAsync(socket, WebSocketCloseStatus.MessageTooBig, "Message too big.").ConfigureAwait(false);
        }
        catch (MalformedFrameException ex)
        {
            failure = ex;
            await CloseOutputQuietlyAsync(socket, WebSocketCloseStatus.InvalidPayloadData, "Malformed frame.").ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Socket errors, aborts and throwing handlers all end the connection the same way: as Failed.
            failure = ex;
        }

        (CloseStatus, CloseDescription) = (socket.CloseStatus, socket.CloseStatusDescription);
        var clean = failure is null && (_closeRequested || _shutdown.IsCancellationRequested || CloseStatus == WebSocketCloseStatus.NormalClosure);
        var ended = new AgentConnectionException($"The connection ended ({DescribeClose(socket)}).", CloseStatus, failure);
        Failure = clean ? null : failure ?? ended;
        _router.CompleteAll(ended);

        // Last, so that whoever reacts to the new state sees the close status and can connect again at once.
        _state.TryTransition(AgentConnectionState.Connected, clean ? AgentConnectionState.Closed : AgentConnectionState.Failed);
    }

    private async ValueTask DispatchAsync(AgentMessage message)
    {
        if (message is ControlMessage { Action: ControlActions.Ping } ping)
        {
            var pong = Control(ControlActions.Pong, new Dictionary<string, string> { [ControlKeys.ReplyTo] = ping.Id });
            await SendCoreAsync(pong, _shutdown.Token, _shutdown.Token).ConfigureAwait(false);
            return;
        }

        if (!await _router.RouteAsync(message, _shutdown.Token).ConfigureAwait(false))
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
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or InvalidOperationException)
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

    private static WireEncoding? ParseEncoding(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" => null,
        "json" or MessageCodecs.JsonSubProtocol => WireEncoding.Json,
        "msgpack" or "messagepack" or MessageCodecs.MessagePackSubProtocol => WireEncoding.MessagePack,
        "protobuf" or "proto" or MessageCodecs.ProtobufSubProtocol => WireEncoding.Protobuf,

        // An unfamiliar spelling says nothing against the subprotocol the socket already agreed on.
        _ => null,
    };
}
