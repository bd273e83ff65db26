using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Socket.Options;

/// <summary>Limits and policies of a gateway node, bound from the <c>Gateway</c> configuration section.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The WebSocket endpoint.</summary>
    [Required, RegularExpression("^/.*")]
    public string Path { get; set; } = "/ws";

    /// <summary>
    /// Browser origins allowed to connect, as <c>scheme://host[:port]</c>; <c>*</c> allows any. A request
    /// whose Origin is the gateway's own host, or that has no Origin (not a browser), is always allowed.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Largest inbound message; a larger one closes the connection with 1009.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Longest user message, in characters.</summary>
    [Range(1, 1_000_000)]
    public int MaxUserMessageChars { get; set; } = 16_000;

    /// <summary>Time allowed between the upgrade and the client's <c>hello</c>; then close 4000.</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for the close handshake before the socket is aborted.</summary>
    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Granularity of the node's shared connection timers (heartbeats, deadlines, acknowledgement flushes):
    /// deadlines in one slot are served by one wake. Zero keeps instants exact.
    /// </summary>
    [TimeSpanRange("00:00:00", "00:00:01")]
    public TimeSpan TimerResolution { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Connections this node holds at most; past it, upgrades get 503 with Retry-After.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnections { get; set; } = 100_000;

    /// <summary>Frames waiting per outbound lane of one connection (the per-connection memory bound).</summary>
    [Range(1, 1_000_000)]
    public int OutboundLaneCapacity { get; set; } = 256;

    /// <summary>
    /// How long a client may be owed frames (queued, being written, or chunks written but not acknowledged)
    /// without any stream frame going out or any acknowledgement coming in, before it is closed as a slow
    /// consumer (4002).
    /// </summary>
    [TimeSpanRange("00:00:00.100", "01:00:00")]
    public TimeSpan SlowConsumerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Answers one connection may follow at once; past it, <c>user.message</c> gets <c>quota_exceeded</c>.</summary>
    [Range(1, 1000)]
    public int MaxStreamsPerConnection { get; set; } = 8;

    /// <summary>How long an issued anonymous identity stays valid.</summary>
    [TimeSpanRange("00:01:00", "365.00:00:00")]
    public TimeSpan IdentityLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// For a client that does not acknowledge itself (no <c>flow=ack</c>), the gateway acknowledges the chunks
    /// the socket took once this many were delivered since its last acknowledgement of the stream. Must stay
    /// below the producer's window (<c>Inference:Backpressure:Window</c>), or the producer would pause on
    /// acknowledgements the gateway holds back.
    /// </summary>
    [Range(1, 4096)]
    public int AcknowledgeEvery { get; set; } = 16;

    /// <summary>The longest a delivered chunk waits for its (cumulative) acknowledgement; an answer's end is acknowledged at once.</summary>
    [TimeSpanRange("00:00:00.001", "00:00:10")]
    public TimeSpan AcknowledgeAfter { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Acknowledgements of this node waiting to be sent to the bus; past it, they wait in their connection and are retried.</summary>
    [Range(1, 10_000_000)]
    public int AcknowledgeQueueCapacity { get; set; } = 16_384;

    /// <summary>Acknowledgements of this node sent to the bus at once.</summary>
    [Range(1, 256)]
    public int AcknowledgeConcurrency { get; set; } = 4;

    /// <summary>This node's name in <c>welcome</c> and in logs; defaults to host name and process id.</summary>
    public string? NodeId { get; set; }

    /// <summary>permessage-deflate; off until measured (see bench/).</summary>
    public bool EnableCompression { get; set; }
}
