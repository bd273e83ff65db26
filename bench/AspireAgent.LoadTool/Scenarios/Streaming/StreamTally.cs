using AspireAgent.LoadTool.Stats;

namespace AspireAgent.LoadTool.Scenarios.Streaming;

/// <summary>What one streaming client measured; merged across clients at the end of a run.</summary>
internal sealed class StreamTally
{
    public long Answers { get; set; }

    public long Tokens { get; set; }

    public long Chunks { get; set; }

    /// <summary>From the producer's stamp on a chunk to its arrival here (one clock: same machine).</summary>
    public LatencySamples ChunkLatency { get; } = new();

    /// <summary>From sending the question to the first chunk of its answer.</summary>
    public LatencySamples FirstToken { get; } = new();

    /// <summary>The first token's server side: from sending the question to the producer's stamp on the first chunk.</summary>
    public LatencySamples FirstTokenProduced { get; } = new();

    public List<string> Failures { get; } = [];

    /// <summary>Unix time in fractional milliseconds: producers stamp whole milliseconds, so latencies read 0–1 ms high.</summary>
    public static double NowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    public void Fail(string failure)
    {
        if (Failures.Count < 20)
        {
            Failures.Add(failure);
        }
    }
}
