using System.Net.WebSockets;

namespace AspireAgent.Protocol;

/// <summary>
/// The closed set of WebSocket close codes a gateway uses, and what a client should do after each
/// (docs/protocol.md has the table). 4000–4999 are this protocol's own.
/// </summary>
public static class CloseCodes
{
    /// <summary>The conversation is over by agreement. Do not reconnect.</summary>
    public const WebSocketCloseStatus Normal = WebSocketCloseStatus.NormalClosure;

    /// <summary>The node is shutting down. Reconnect at once (to any node) and resume.</summary>
    public const WebSocketCloseStatus GoingAway = WebSocketCloseStatus.EndpointUnavailable;

    /// <summary>The peer broke the protocol (for example a first frame that is not <c>hello</c>). Do not retry unchanged.</summary>
    public const WebSocketCloseStatus ProtocolError = WebSocketCloseStatus.ProtocolError;

    /// <summary>A frame of the wrong kind: binary on the JSON encoding, or text on a binary one.</summary>
    public const WebSocketCloseStatus UnsupportedData = WebSocketCloseStatus.InvalidMessageType;

    /// <summary>A frame that does not decode in the negotiated encoding.</summary>
    public const WebSocketCloseStatus MalformedFrame = WebSocketCloseStatus.InvalidPayloadData;

    /// <summary>The peer violated a policy of the server. Do not reconnect automatically.</summary>
    public const WebSocketCloseStatus PolicyViolation = WebSocketCloseStatus.PolicyViolation;

    /// <summary>An inbound message exceeded the server's size limit.</summary>
    public const WebSocketCloseStatus MessageTooBig = WebSocketCloseStatus.MessageTooBig;

    /// <summary>An unexpected server fault. Reconnect with backoff.</summary>
    public const WebSocketCloseStatus InternalError = WebSocketCloseStatus.InternalServerError;

    /// <summary>The node is overloaded. Reconnect with backoff.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>No <c>hello</c> arrived within the handshake timeout.</summary>
    public const WebSocketCloseStatus HandshakeTimeout = (WebSocketCloseStatus)4000;

    /// <summary>Reserved: the peer missed its heartbeat deadline. Reconnect with backoff and resume.</summary>
    public const WebSocketCloseStatus HeartbeatTimeout = (WebSocketCloseStatus)4001;

    /// <summary>Reserved: the client read too slowly and passed the hard outbound limit. Reconnect and resume.</summary>
    public const WebSocketCloseStatus SlowConsumer = (WebSocketCloseStatus)4002;
}
