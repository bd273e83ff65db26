namespace AspireAgent.Socket.Connections;

/// <summary>The design's connection lifecycle, as the server sees one connection.</summary>
public enum ConnectionState
{
    /// <summary>Upgraded; waiting for <c>hello</c>.</summary>
    Connecting,

    /// <summary>Handshake done; no application message yet.</summary>
    Connected,

    /// <summary>Application messages within the last <c>IdleAfter</c>.</summary>
    Active,

    /// <summary>No application message for <c>IdleAfter</c> (30 s).</summary>
    Idle,

    /// <summary>A ping is out and the peer has not shown a sign of life since.</summary>
    HeartbeatCheck,

    /// <summary>The peer missed its pong deadline; the connection is being closed with 4001.</summary>
    Abnormal,

    /// <summary>A close frame was requested or received.</summary>
    Closing,

    /// <summary>The connection has ended.</summary>
    Closed,
}
