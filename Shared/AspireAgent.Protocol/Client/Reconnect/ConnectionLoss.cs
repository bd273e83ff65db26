using System.Net.WebSockets;

namespace AspireAgent.Protocol.Client;

/// <summary>How a connection ended, which decides what the client does next.</summary>
internal enum LossKind
{
    /// <summary>The server sent a close frame; its code decides.</summary>
    ClosedByServer,

    /// <summary>This client closed on purpose (<see cref="AgentClient.CloseAsync"/>, disposal).</summary>
    ClosedByClient,

    /// <summary>This client closed because the server broke the protocol (malformed or oversized frame).</summary>
    Rejected,

    /// <summary>The socket died without a close frame: a reset, a network error, an abort.</summary>
    Dropped,

    /// <summary>The server stayed silent past the heartbeat deadline; the client aborted the socket.</summary>
    HeartbeatTimeout,

    /// <summary>A stream skipped a seq; the client aborted the socket to resume from the last chunk it has.</summary>
    Gap,
}

internal sealed record ConnectionLoss(LossKind Kind, WebSocketCloseStatus? CloseStatus, string? CloseDescription, Exception? Error)
{
    public ReconnectDecision Decision => Kind switch
    {
        LossKind.ClosedByClient => ReconnectDecision.Stop,
        LossKind.Rejected => ReconnectDecision.Fail,
        LossKind.Dropped or LossKind.HeartbeatTimeout => ReconnectDecision.ReconnectWithBackoff,

        // The server is healthy; only one stream needs replaying from where it went wrong.
        LossKind.Gap => ReconnectDecision.ReconnectNow,
        _ => CloseCodePolicy.Decide(CloseStatus),
    };

    /// <summary>Lost without a close frame: the design's "abnormal" state comes before reconnecting.</summary>
    public bool IsAbnormal => Kind is LossKind.Dropped or LossKind.HeartbeatTimeout or LossKind.Gap
        || Kind == LossKind.ClosedByServer && CloseStatus is null or CloseCodePolicy.Abnormal;

    public string Describe() => Kind switch
    {
        LossKind.HeartbeatTimeout => "no sign of life from the server within the heartbeat deadline",
        LossKind.Gap => Error?.Message ?? "a stream skipped a chunk",
        LossKind.Dropped => Error is { } error ? $"connection lost ({error.Message})" : "connection lost",
        _ when CloseStatus is null or CloseCodePolicy.Abnormal => "connection lost (no close frame)",
        _ when string.IsNullOrEmpty(CloseDescription) => $"close {(int)CloseStatus!}",
        _ => $"close {(int)CloseStatus!}: {CloseDescription}",
    };
}
