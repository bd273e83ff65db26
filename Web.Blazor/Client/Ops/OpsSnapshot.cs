using System.Text.Json.Serialization;

namespace AspireAgent.Web.Client.Ops;

/// <summary>
/// What the host answers at <c>GET /ops/metrics</c>: the ops series over the last <see cref="WindowSeconds"/>,
/// one value per entry of <see cref="Timestamps"/> in every series (null where there was nothing to measure, such
/// as a latency percentile in an interval that delivered no chunk). Values are in base units: seconds, counts,
/// per-second rates. Parallel arrays rather than point objects keep a five-minute window at a few kilobytes.
/// </summary>
public sealed record OpsSnapshot
{
    public const string Path = "/ops/metrics";

    [JsonPropertyName("source")]
    public required OpsSourceKind Source { get; init; }

    /// <summary>Why there is no data, or why the latest refresh failed; null when all is well.</summary>
    [JsonPropertyName("problem")]
    public string? Problem { get; init; }

    /// <summary>The right edge of the time axis, Unix milliseconds.</summary>
    [JsonPropertyName("end")]
    public long End { get; init; }

    [JsonPropertyName("windowSeconds")]
    public double WindowSeconds { get; init; }

    /// <summary>The sampling interval (in-process) or the query step (Prometheus).</summary>
    [JsonPropertyName("stepSeconds")]
    public double StepSeconds { get; init; }

    /// <summary>The trailing window behind the time-to-first-token percentiles and the interrupt and error counts.</summary>
    [JsonPropertyName("rateWindowSeconds")]
    public double RateWindowSeconds { get; init; }

    /// <summary>Unix milliseconds of each point, oldest first.</summary>
    [JsonPropertyName("timestamps")]
    public long[] Timestamps { get; init; } = [];

    /// <summary>Open WebSocket connections.</summary>
    [JsonPropertyName("connections")]
    public double?[] Connections { get; init; } = [];

    [JsonPropertyName("chunksPerSecond")]
    public double?[] ChunksPerSecond { get; init; } = [];

    [JsonPropertyName("tokensPerSecond")]
    public double?[] TokensPerSecond { get; init; } = [];

    /// <summary>Chunk creation by the worker to frame written to the client, seconds.</summary>
    [JsonPropertyName("deliveryLatencyP50")]
    public double?[] DeliveryLatencyP50 { get; init; } = [];

    [JsonPropertyName("deliveryLatencyP99")]
    public double?[] DeliveryLatencyP99 { get; init; } = [];

    [JsonPropertyName("timeToFirstTokenP50")]
    public double?[] TimeToFirstTokenP50 { get; init; } = [];

    [JsonPropertyName("timeToFirstTokenP99")]
    public double?[] TimeToFirstTokenP99 { get; init; } = [];

    /// <summary>Chat requests waiting for a worker.</summary>
    [JsonPropertyName("backlog")]
    public double?[] Backlog { get; init; } = [];

    /// <summary>Answers interrupted within the trailing <see cref="RateWindowSeconds"/>.</summary>
    [JsonPropertyName("interrupts")]
    public double?[] Interrupts { get; init; } = [];

    /// <summary>Answers that ended with an error within the trailing <see cref="RateWindowSeconds"/>.</summary>
    [JsonPropertyName("errors")]
    public double?[] Errors { get; init; } = [];
}
