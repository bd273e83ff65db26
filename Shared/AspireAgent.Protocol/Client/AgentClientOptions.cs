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

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

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

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1024, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamBufferCapacity, 1, nameof(StreamBufferCapacity));
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
