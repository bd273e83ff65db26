namespace AspireAgent.Protocol.Client;

/// <summary>Where an <see cref="AgentClient"/> is in its life; the allowed moves are in <see cref="ConnectionStateMachine"/>.</summary>
public enum AgentConnectionState
{
    /// <summary>Never connected yet.</summary>
    Disconnected,

    /// <summary>Opening the socket and waiting for the server's welcome.</summary>
    Connecting,

    /// <summary>Welcomed: messages can be sent and answers stream.</summary>
    Connected,

    /// <summary>The connection dropped and the client is opening a new one.</summary>
    Reconnecting,

    /// <summary>The handshake failed or the connection ended abnormally.</summary>
    Failed,

    /// <summary>Closed on purpose, by this client or by the server with a normal closure.</summary>
    Closed,
}
