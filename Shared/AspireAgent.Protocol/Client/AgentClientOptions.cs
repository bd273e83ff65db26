using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Protocol.Client;

/// <summary>Settings of one <see cref="AgentClient"/>; checked when the client is constructed.</summary>
public sealed class AgentClientOptions
{
    /// <summary>The gateway's WebSocket endpoint, for example <c>wss://host/ws</c>.</summary>
    public required Uri Endpoint { get; set; }

    /// <summary>The encoding offered as the only subprotocol.</summary>
    public WireEncoding Encoding { get; set; } = WireEncoding.Json;

    /// <summary>A token issued by an earlier welcome; sent in hello so the server restores the same identity.</summary>
    public string? IdentityToken { get; set; }

    /// <summary>
    /// Supplies a bearer token for a gateway that signs users in; called before every connection attempt
    /// (reconnects included), so it can hand out a refreshed token. Null or empty: connect without one.
    /// Sent as <c>Authorization: Bearer</c>, or as the <c>access_token</c> query parameter in a browser,
    /// which cannot set headers on a WebSocket.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>How long opening the socket plus hello → welcome may take.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a close may wait for the server to answer before the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Inbound frames larger than this close the connection with 1009.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Messages buffered per answer stream before the receive loop waits for the reader. Waiting pushes back on
    /// the socket (and so on the server) rather than dropping chunks or growing without bound.
    /// </summary>
    public int StreamBufferCapacity { get; set; } = 1024;

    /// <summary>Reconnecting after a lost connection: backoff, jitter, retry limit.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>The heartbeat strategy asked for in hello; by default the application heartbeat in a browser.</summary>
    public HeartbeatHint Heartbeat { get; set; } = HeartbeatHint.Auto;

    /// <summary>
    /// How long the server may stay silent past its heartbeat interval (or after a ping of ours) before the
    /// connection counts as dead and is reopened. Matches the server's pong timeout by default.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the client acknowledges chunks (hello <c>flow=ack</c>), so the producer never runs more than a
    /// window ahead of what was rendered. Off: the gateway acknowledges (cumulatively) the chunks the socket took.
    /// </summary>
    public bool AcknowledgeChunks { get; set; } = true;

    /// <summary>
    /// Off (the default): a chunk is acknowledged once the reader of <see cref="AgentClient.StreamAnswerAsync"/>
    /// comes back for the next item (taken = rendered). On: the application calls
    /// <see cref="AgentClient.Acknowledge"/> itself, for a UI that renders after it took the chunk.
    /// </summary>
    public bool ManualAcknowledgement { get; set; }

    /// <summary>Chunks taken before an ack goes out at once; well below the server's window of 64.</summary>
    public int AcknowledgeEvery { get; set; } = 16;

    /// <summary>
    /// How long after a chunk was taken its ack may wait for more to batch with. Each ack is a frame the gateway
    /// reads and handles: at 40 tokens a second an ack every 100 ms cost it a read per three or four chunks. 250 ms
    /// is what the Redis bus holds a stream's acks for anyway, and far inside the producer's window (64 chunks).
    /// </summary>
    public TimeSpan AcknowledgeDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The source of reconnect jitter; replace it with a seeded one to make tests repeatable.</summary>
    public Random Random { get; set; } = Random.Shared;

    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoint);
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != "ws" && Endpoint.Scheme != "wss"))
        {
            throw new ArgumentException($"Endpoint must be an absolute ws:// or wss:// URI, not '{Endpoint}'.", nameof(Endpoint));
        }

        if (!Enum.IsDefined(Encoding))
        {
            throw new ArgumentException($"Unknown encoding {Encoding}.", nameof(Encoding));
        }

        if (!Enum.IsDefined(Heartbeat))
        {
            throw new ArgumentException($"Unknown heartbeat hint {Heartbeat}.", nameof(Heartbeat));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatTimeout, TimeSpan.Zero, nameof(HeartbeatTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1024, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamBufferCapacity, 1, nameof(StreamBufferCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(AcknowledgeEvery, 1, nameof(AcknowledgeEvery));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AcknowledgeEvery, 1024, nameof(AcknowledgeEvery));
        ArgumentOutOfRangeException.ThrowIfLessThan(AcknowledgeDelay, TimeSpan.Zero, nameof(AcknowledgeDelay));
        ArgumentNullException.ThrowIfNull(Reconnect);
        Reconnect.Validate();
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(Random);
    }
}
