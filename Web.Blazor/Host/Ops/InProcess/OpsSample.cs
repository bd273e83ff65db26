namespace AspireAgent.Web.Ops.InProcess;

/// <summary>One point of every in-process series, taken at <see cref="Time"/>. Latencies in seconds.</summary>
public sealed record OpsSample(
    DateTimeOffset Time,
    long Connections,
    double ChunksPerSecond,
    double TokensPerSecond,
    double? DeliveryLatencyP50,
    double? DeliveryLatencyP99,
    double? TimeToFirstTokenP50,
    double? TimeToFirstTokenP99,
    long? Backlog,
    long Interrupts,
    long Errors);
