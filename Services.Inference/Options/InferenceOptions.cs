using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Inference;

/// <summary>The inference worker, bound from the <c>Inference</c> configuration section.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    public InferenceProvider Provider { get; set; } = InferenceProvider.Auto;

    /// <summary>Answers this process generates at once; each has its own consumer on the request queue.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 4;

    [Required]
    [ValidateObjectMembers]
    public BatchingOptions Batching { get; set; } = new();

    [Required]
    [ValidateObjectMembers]
    public BackpressureOptions Backpressure { get; set; } = new();

    /// <summary>An answer still streaming after this long is cut and ends with finish reason <c>length</c>.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan MaxAnswerDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Attempts at one answer: a worker that takes over the request of a dead worker (or retries after the bus
    /// failed mid-answer) makes the next one. Past this, the stream ends with finish reason <c>error</c>, so a
    /// request that kills every worker that tries it still ends.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;
}
