using System.Net.WebSockets;
using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using AspireAgent.Socket.Heartbeat;

namespace AspireAgent.Socket.Sessions;

/// <summary>
/// What the dispatcher and the handlers may see of a connection. Calls go one way: the connection calls
/// its <see cref="IInboundHandler"/> with itself as a session, and handlers act on the client only through
/// this interface, never through the connection class, its outbox or its relays.
/// </summary>
internal interface IClientSession
{
    string ConnectionId { get; }

    /// <summary>The bearer token's subject when the upgrade carried one; it becomes the identity at <c>hello</c>.</summary>
    string? Subject { get; }

    /// <summary>The verified identity; null until the client's <c>hello</c> was answered.</summary>
    string? IdentityId { get; }

    /// <summary>The encoding negotiated at the upgrade.</summary>
    IMessageCodec Codec { get; }

    /// <summary>
    /// True when the client said in <c>hello</c> that it acknowledges chunks as it renders them; otherwise
    /// the gateway acknowledges the chunks the socket took, so TCP backpressure still reaches the producer.
    /// </summary>
    bool ClientAcknowledges { get; }

    /// <summary>Cancelled when the connection ends, for whatever reason.</summary>
    CancellationToken Aborted { get; }

    DateTimeOffset Now { get; }

    /// <summary>Whether this session may follow one more answer; checked before a turn is admitted.</summary>
    bool CanFollowAnother { get; }

    /// <summary>Queues a frame, waiting for room in its lane.</summary>
    ValueTask SendAsync(AgentMessage message);

    /// <summary>Queues a frame that must not wait (errors, pongs); a full critical lane closes the connection as a slow consumer.</summary>
    void SendCritical(AgentMessage message);

    /// <summary>Completes the handshake: from now on the session has an identity and a heartbeat.</summary>
    void Accept(string identityId, bool clientAcknowledges, HeartbeatSchedule schedule);

    /// <summary>Asks for the close handshake; the first request wins.</summary>
    void RequestClose(WebSocketCloseStatus status, string reason);

    /// <summary>Whether this session relays <paramref name="streamId"/> now.</summary>
    bool Follows(string streamId);

    /// <summary>Starts relaying a stream from the bus to the client; false when it is followed already or too many are.</summary>
    bool TryFollow(string streamId, StreamPosition from);

    /// <summary>The client acknowledged chunks of a stream this session relays: progress for the slow-consumer watch.</summary>
    void Acknowledged(string streamId, long seq);
}
