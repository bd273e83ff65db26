namespace AspireAgent.Socket.Connections;

/// <summary>
/// A one-off deadline of a connection booked on the node's shared <see cref="ConnectionTimers"/>: the time it
/// has to say <c>hello</c>, and the time its peer has to answer a close. No timer, delay task or cancellation
/// registration of its own; the entry is dropped once due, and one that comes due after the connection ended
/// does nothing.
/// </summary>
internal sealed class ConnectionDeadline(ClientConnection connection, ConnectionDeadline.Kind kind) : IDueCallback
{
    public enum Kind
    {
        /// <summary>Upgrade to <c>hello</c>: <c>Gateway:HandshakeTimeout</c>, then close 4000.</summary>
        Handshake,

        /// <summary>Close requested to socket aborted: <c>Gateway:CloseTimeout</c>.</summary>
        Close,
    }

    public void OnDue(DateTimeOffset now)
    {
        switch (kind)
        {
            case Kind.Handshake:
                connection.HandshakeDue();
                break;
            case Kind.Close:
                connection.CloseDue();
                break;
        }
    }
}
