using System.Net.WebSockets;

namespace AspireAgent.Protocol.Client;

/// <summary>The close-code table of docs/protocol.md, as the client applies it.</summary>
public static class CloseCodePolicy
{
    /// <summary>1005: the peer's close frame carried no code. Never sent on the wire; reported locally.</summary>
    public const WebSocketCloseStatus NoStatusReceived = (WebSocketCloseStatus)1005;

    /// <summary>1006: the connection ended without a close frame. Never sent on the wire; browsers report it.</summary>
    public const WebSocketCloseStatus Abnormal = (WebSocketCloseStatus)1006;

    /// <summary>What a close frame from the server with <paramref name="status"/> calls for; null means no close frame.</summary>
    public static ReconnectDecision Decide(WebSocketCloseStatus? status) => status switch
    {
        CloseCodes.Normal => ReconnectDecision.Stop,
        CloseCodes.GoingAway => ReconnectDecision.ReconnectNow,
        CloseCodes.ProtocolError or CloseCodes.UnsupportedData or CloseCodes.MalformedFrame or CloseCodes.PolicyViolation
            or CloseCodes.MessageTooBig => ReconnectDecision.Fail,
        CloseCodes.InternalError or CloseCodes.TryAgainLater or CloseCodes.HandshakeTimeout or CloseCodes.HeartbeatTimeout
            or CloseCodes.SlowConsumer => ReconnectDecision.ReconnectWithBackoff,

        // No close frame (a reset, a dead network) and 1005/1006, which stand for one: abnormal, so back off.
        null or NoStatusReceived or Abnormal => ReconnectDecision.ReconnectWithBackoff,

        // A code this version does not know: retrying is bounded by the retry limit, giving up at once is not undone.
        _ => ReconnectDecision.ReconnectWithBackoff,
    };
}
