namespace AspireAgent.Socket.Connections;

/// <summary>
/// The time a new connection has to say <c>hello</c>, booked on the node's shared <see cref="ConnectionTimers"/>:
/// no timer, delay task or cancellation registration of its own. Dropped by the timer once due.
/// </summary>
internal sealed class HandshakeDeadline(ClientConnection connection) : IDueCallback
{
    public void OnDue(DateTimeOffset now) => connection.HandshakeDue();
}
