namespace AspireAgent.Web.Ops.InProcess;

/// <summary>One collection from the meters: the interval's recordings and the gauges' values at its end.</summary>
/// <param name="Interval">Everything recorded since the previous collection.</param>
/// <param name="Connections">The running sum of the connections up-down counter.</param>
/// <param name="Backlog">The backlog gauge, or null when no bus publishes one.</param>
public sealed record MeterReading(IntervalRecordings Interval, long Connections, long? Backlog);
