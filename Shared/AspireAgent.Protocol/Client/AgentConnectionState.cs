namespace AspireAgent.Protocol.Client;

/// <summary>
/// Where an <see cref="AgentClient"/> is in its life: the design's connection states, as the client sees them.
/// The allowed moves are in <see cref="ConnectionStateMachine"/>.
/// </summary>
/// <remarks>
/// Four states mean "open, messages can be sent": <see cref="Connected"/>, <see cref="Active"/>,
/// <see cref="Idle"/> and <see cref="HeartbeatCheck"/> (see <see cref="AgentConnectionStates.IsOpen"/>).
/// </remarks>
public enum AgentConnectionState
{
    /// <summary>Never connected yet.</summary>
    Disconnected,

    /// <summary>Opening the socket and waiting for the server's welcome (the first connection, or a manual retry).</summary>
    Connecting,

    /// <summary>Welcomed, and no answer has streamed on this connection yet.</summary>
    Connected,

    /// <summary>Open, with at least one answer in progress.</summary>
    Active,

    /// <summary>Open, with no answer in progress after at least one.</summary>
    Idle,

    /// <summary>Open; a heartbeat ping is out and nothing has been received since it left.</summary>
    HeartbeatCheck,

    /// <summary>
    /// The connection was lost without a close frame (socket error, reset, heartbeat silence, a gap in a stream).
    /// Transient: the client moves on to <see cref="Reconnecting"/> or <see cref="Failed"/> at once.
    /// </summary>
    Abnormal,

    /// <summary>
    /// Waiting before the next attempt, or making it; <see cref="AgentClient.Reconnect"/> says which and when.
    /// Answers in progress are kept and resume once the client is connected again.
    /// </summary>
    Reconnecting,

    /// <summary>
    /// Given up: the handshake failed, a close code forbade retrying, or the retry limit was reached.
    /// <see cref="AgentClient.Failure"/> says why; <see cref="AgentClient.RetryNowAsync"/> starts over.
    /// </summary>
    Failed,

    /// <summary>Closed on purpose, by this client or by the server with a normal closure.</summary>
    Closed,
}

public static class AgentConnectionStates
{
    /// <summary>True for the states in which the connection is open and messages can be sent.</summary>
    public static bool IsOpen(this AgentConnectionState state) => state is AgentConnectionState.Connected
        or AgentConnectionState.Active or AgentConnectionState.Idle or AgentConnectionState.HeartbeatCheck;
}
