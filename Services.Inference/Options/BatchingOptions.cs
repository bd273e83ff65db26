using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Inference;

/// <summary>
/// How model tokens are grouped into chunks, bound from <c>Inference:Batching</c>. Fewer, larger chunks cost
/// less per frame on the bus and the socket; <see cref="MaxDelay"/> bounds the latency this adds.
/// </summary>
public sealed class BatchingOptions
{
    /// <summary>Pending text is flushed as soon as it holds this many characters (UTF-16 code units).</summary>
    [Range(1, 4096)]
    public int MaxChars { get; set; } = 4;

    /// <summary>Pending text is flushed once its first character has waited this long.</summary>
    [TimeSpanRange("00:00:00", "00:01:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(15);
}
