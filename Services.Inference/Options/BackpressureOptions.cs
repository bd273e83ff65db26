using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Inference;

/// <summary>
/// Flow control at the producer, bound from <c>Inference:Backpressure</c>: the worker stops pulling tokens
/// from the model while the client is <see cref="Window"/> chunks behind, and resumes on its acknowledgement.
/// </summary>
public sealed class BackpressureOptions
{
    /// <summary>Chunks that may be unacknowledged at once; the next one waits for credit.</summary>
    [Range(1, 100_000)]
    public int Window { get; set; } = 64;

    /// <summary>
    /// How long an answer may stay paused for a client that neither reads nor acknowledges. Past it the
    /// model call is released and the stream ends with <c>error</c>, so a vanished client cannot hold a
    /// worker slot forever; the text produced so far stays resumable.
    /// </summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan MaxPause { get; set; } = TimeSpan.FromMinutes(2);
}
