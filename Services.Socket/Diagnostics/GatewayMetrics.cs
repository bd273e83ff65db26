using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Socket.Diagnostics;

/// <summary>
/// The gateway's instruments, on one <see cref="Meter"/> named <see cref="GatewayTelemetry.Name"/>. Names and
/// units follow OpenTelemetry's conventions; Prometheus sees them with dots as underscores and the unit as a
/// suffix (for example <c>aspireagent_gateway_delivery_latency_seconds</c>).
/// </summary>
public sealed class GatewayMetrics
{
    private readonly Counter<long> _attempts;
    private readonly UpDownCounter<long> _active;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _closes;
    private readonly Counter<long> _resumes;
    private readonly Counter<long> _handshakes;

    // Tag values in the order of the cells below; "other" catches a type a newer peer may send.
    private static readonly string[] Types =
    [
        MessageTypes.UserMessage, MessageTypes.AssistantStart, MessageTypes.AssistantChunk, MessageTypes.AssistantEnd,
        MessageTypes.Control, MessageTypes.Error, MessageTypes.ConversationList, MessageTypes.ConversationHistory, "other",
    ];

    private static readonly FrozenDictionary<string, int> TypeIndexes =
        Types.Index().ToFrozenDictionary(t => t.Item, t => t.Index, StringComparer.Ordinal);

    // Indexed by the enums' values (0, 1, …), so a lane or an encoding added later has its cell.
    private static readonly string[] Lanes = [.. Enum.GetValues<MessagePriority>().Select(TagValue)];
    private static readonly string[] Encodings = [.. Enum.GetValues<WireEncoding>().Select(TagValue)];

    // Per-frame counts, observed at collection: the two paths every chunk and every ack take.
    private readonly TaggedTotals _received = new(TaggedTotals.Grid("type", Types, "encoding", Encodings));
    private readonly TaggedTotals _sent = new(TaggedTotals.Grid("type", Types, "lane", Lanes));
    private readonly TaggedTotals _bytesReceived = new(TaggedTotals.Column("encoding", Encodings));
    private readonly TaggedTotals _bytesSent = new(TaggedTotals.Column("encoding", Encodings));
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _refusals;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(GatewayTelemetry.Name);
        _attempts = meter.CreateCounter<long>("aspireagent.gateway.connection.attempts", "{attempt}",
            "WebSocket upgrade requests, by outcome (accepted, or why refused).");
        _active = meter.CreateUpDownCounter<long>("aspireagent.gateway.connections.active", "{connection}",
            "Open WebSocket connections.");
        _duration = meter.CreateHistogram<double>("aspireagent.gateway.connection.duration", "s",
            "How long connections stayed open.");
        _closes = meter.CreateCounter<long>("aspireagent.gateway.connection.closes", "{close}",
            "Connections ended, by close code (0 when the socket died without one).");
        _handshakes = meter.CreateCounter<long>("aspireagent.gateway.handshakes", "{handshake}",
            "Completed handshakes, by identity: new, returning (a reconnect) or rejected (a token that did not verify).");
        _resumes = meter.CreateCounter<long>("aspireagent.gateway.resumes", "{resume}",
            "Resume requests, by outcome.");
        meter.CreateObservableCounter("aspireagent.gateway.messages.received", _received.Observe, "{message}",
            "Messages decoded from clients, by type and encoding.");
        meter.CreateObservableCounter("aspireagent.gateway.messages.sent", _sent.Observe, "{message}",
            "Messages written to clients, by type and priority lane.");
        meter.CreateObservableCounter("aspireagent.gateway.bytes.received", _bytesReceived.Observe, "By",
            "Payload bytes received, by encoding.");
        meter.CreateObservableCounter("aspireagent.gateway.bytes.sent", _bytesSent.Observe, "By",
            "Payload bytes sent, by encoding.");
        _latency = meter.CreateHistogram<double>("aspireagent.gateway.delivery.latency", "s",
            "From a chunk's creation by the worker to its frame being written to the client.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _failures = meter.CreateCounter<long>("aspireagent.gateway.message.failures", "{failure}",
            "Inbound frames refused or outbound frames lost, by reason.");
        _dropped = meter.CreateCounter<long>("aspireagent.gateway.outbound.dropped", "{message}",
            "Low-priority frames shed because their lane was full.");
        _refusals = meter.CreateCounter<long>("aspireagent.gateway.chat.refusals", "{refusal}",
            "user.messages refused before anything was queued, by reason: rate_limited, identity_quota, connection_quota, busy, overloaded.");
        Meter = meter;
        DroppedHandler = Dropped;
    }

    /// <summary>From 1 ms to 10 s: the design's alert thresholds (500 ms, 1 s) fall on bucket bounds.</summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10];

    public Meter Meter { get; }

    public void Attempt(string outcome) => _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Opened() => _active.Add(1);

    public void Closed(TimeSpan duration, WebSocketCloseStatus? status)
    {
        _active.Add(-1);
        _duration.Record(duration.TotalSeconds);
        _closes.Add(1, new KeyValuePair<string, object?>("close_code", (int)(status ?? 0)));
    }

    public void Handshake(string identity) => _handshakes.Add(1, new KeyValuePair<string, object?>("identity", identity));

    public void Resume(string outcome) => _resumes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Received(AgentMessage message, WireEncoding encoding, int bytes)
    {
        _received.Add(TypeIndex(message) * Encodings.Length + (int)encoding, 1);
        _bytesReceived.Add((int)encoding, bytes);
    }

    /// <summary>A control message counted without being decoded (a pong).</summary>
    public void ReceivedControl(WireEncoding encoding, int bytes)
    {
        _received.Add(TypeIndexes[MessageTypes.Control] * Encodings.Length + (int)encoding, 1);
        _bytesReceived.Add((int)encoding, bytes);
    }

    public void Sent(AgentMessage message, WireEncoding encoding, int bytes, DateTimeOffset now)
    {
        _sent.Add(TypeIndex(message) * Lanes.Length + (int)message.Priority, 1);
        _bytesSent.Add((int)encoding, bytes);
        if (message is AssistantChunk)
        {
            _latency.Record(Math.Max(0, now.ToUnixTimeMilliseconds() - message.Timestamp) / 1000.0);
        }
    }

    public void Failure(string reason) => _failures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dropped() => _dropped.Add(1);

    /// <summary><see cref="Dropped"/> as one shared delegate, so an outbox does not allocate its own.</summary>
    public Action DroppedHandler { get; }

    /// <summary>A <c>user.message</c> refused by a limit; nothing of it was queued.</summary>
    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static string TagValue<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    // The last cell, "other", for a type outside the list.
    private static int TypeIndex(AgentMessage message) => TypeIndexes.GetValueOrDefault(message.Type, Types.Length - 1);
}
