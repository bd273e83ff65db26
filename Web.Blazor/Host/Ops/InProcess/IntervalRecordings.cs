namespace AspireAgent.Web.Ops.InProcess;

/// <summary>What the meters recorded during one sampling interval; filled by the listener, read by the sampler.</summary>
public sealed class IntervalRecordings
{
    /// <summary>Chunk latencies kept per interval: enough for a stable P99 (the top 1 % is 40 values).</summary>
    public const int LatencyCapacity = 4096;

    /// <summary>Time-to-first-token recordings kept per interval: one arrives per answer.</summary>
    public const int FirstTokenCapacity = 512;

    /// <summary>How long the interval actually lasted, set when it closes: rates divide by it.</summary>
    public double Seconds { get; set; }

    public long ChunksSent { get; set; }

    public long Tokens { get; set; }

    public long Interrupts { get; set; }

    public long Errors { get; set; }

    public Reservoir DeliveryLatency { get; } = new(LatencyCapacity);

    public Reservoir TimeToFirstToken { get; } = new(FirstTokenCapacity);
}
