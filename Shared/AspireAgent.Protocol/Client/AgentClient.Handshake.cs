using System.Globalization;
using System.Net.WebSockets;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Protocol.Client;

/// <summary>Opening one connection (socket, hello, welcome) and putting frames on it.</summary>
public sealed partial class AgentClient
{
    /// <summary>Opens a socket and completes the handshake; the first connection and every reconnect attempt go through here.</summary>
    private async Task<LiveConnection> OpenAsync(CancellationToken cancellationToken, CancellationToken session)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(_codec.SubProtocol);
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session, timeout.Token);
        try
        {
            var endpoint = await SignInAsync(socket, linked.Token).ConfigureAwait(false);
            await socket.ConnectAsync(endpoint, linked.Token).ConfigureAwait(false);
            if (socket.SubProtocol != _codec.SubProtocol)
            {
                throw new AgentConnectionException(
                    $"The server did not accept subprotocol '{_codec.SubProtocol}' (it chose '{socket.SubProtocol ?? "none"}').");
            }

            // During the handshake an aborted socket is the wanted outcome of a timeout, so the frame may be cancelled.
            await SendFrameAsync(socket, Hello(), linked.Token, linked.Token).ConfigureAwait(false);
            var welcome = await ReceiveWelcomeAsync(socket, linked.Token).ConfigureAwait(false);
            var heartbeat = ApplyWelcome(welcome);
            return new LiveConnection(socket, heartbeat, _time, _shutdown.Token);
        }
        catch (Exception ex)
        {
            socket.Abort();
            (CloseStatus, CloseDescription) = (socket.CloseStatus, socket.CloseStatusDescription);
            socket.Dispose();
            if (ex is OperationCanceledException && timeout.IsCancellationRequested
                && !cancellationToken.IsCancellationRequested && !session.IsCancellationRequested)
            {
                throw new TimeoutException($"No welcome from {_options.Endpoint} within {_options.HandshakeTimeout}.", ex);
            }

            throw;
        }
    }

    /// <summary>Puts the access token (if any) on the upgrade request; returns the URI to connect to.</summary>
    private async ValueTask<Uri> SignInAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        if (_options.AccessTokenProvider is not { } provider
            || await provider(cancellationToken).ConfigureAwait(false) is not { Length: > 0 } accessToken)
        {
            return _options.Endpoint;
        }

        if (!OperatingSystem.IsBrowser())
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + accessToken);
            return _options.Endpoint;
        }

        var query = _options.Endpoint.Query is { Length: > 1 } existing ? existing[1..] + "&" : "";
        return new UriBuilder(_options.Endpoint) { Query = query + "access_token=" + Uri.EscapeDataString(accessToken) }.Uri;
    }

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

    /// <summary>Keeps what the welcome says and returns the heartbeat it calls for.</summary>
    private HeartbeatMonitor ApplyWelcome(ControlMessage welcome)
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
        Heartbeat = welcome.Get(ControlKeys.Heartbeat);
        HeartbeatInterval = long.TryParse(welcome.Get(ControlKeys.HeartbeatIntervalMs), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : null;
        return HeartbeatMonitor.For(Heartbeat, HeartbeatInterval, _options.HeartbeatTimeout, _time.GetUtcNow());
    }

    private ControlMessage Hello()
    {
        var payload = new Dictionary<string, string>();
        if (IdentityToken is { Length: > 0 } token)
        {
            payload[ControlKeys.Token] = token;
        }

        if (_options.Heartbeat.ToWire() is { } heartbeat)
        {
            payload[ControlKeys.Heartbeat] = heartbeat;
        }

        if (_options.AcknowledgeChunks)
        {
            payload[ControlKeys.Flow] = ControlKeys.FlowAck;
        }

        return Control(ControlActions.Hello, payload.Count > 0 ? payload : null);
    }

    /// <summary>Sends on the current connection.</summary>
    private ValueTask SendCoreAsync(AgentMessage message, CancellationToken waitToken)
    {
        var socket = _connection?.Socket ?? throw new InvalidOperationException("Not connected.");
        return SendFrameAsync(socket, message, waitToken, _shutdown.Token);
    }

    /// <param name="socket">The connection's socket: loops of an old connection must not write on a newer one.</param>
    /// <param name="message">The message to encode and send.</param>
    /// <param name="waitToken">Cancels waiting for the turn to send.</param>
    /// <param name="frameToken">
    /// Cancels the frame itself, which aborts a ClientWebSocket: callers pass the shutdown token so that only
    /// disposal can break the connection.
    /// </param>
    private async ValueTask SendFrameAsync(ClientWebSocket socket, AgentMessage message, CancellationToken waitToken, CancellationToken frameToken)
    {
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

    private ControlMessage Control(string action, IReadOnlyDictionary<string, string>? payload = null) => new()
    {
        Id = MessageIds.New(),
        Timestamp = Now(),
        Action = action,
        Payload = payload,
    };

    private ControlMessage StreamControl(string action, string streamId, long? seq)
    {
        var payload = new Dictionary<string, string> { [ControlKeys.StreamId] = streamId };
        if (seq is { } value)
        {
            payload[ControlKeys.Seq] = value.ToString(CultureInfo.InvariantCulture);
        }

        return Control(action, payload);
    }

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
