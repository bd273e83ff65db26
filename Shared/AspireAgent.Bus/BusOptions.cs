using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Bus;

/// <summary>Limits of the bus, bound from the <c>Bus</c> configuration section.</summary>
public sealed class BusOptions
{
    public const string SectionName = "Bus";

    /// <summary>How long a finished stream stays readable (for resume and late readers).</summary>
    [TimeSpanRange("00:00:01", "7.00:00:00")]
    public TimeSpan StreamRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an idle conversation's history is kept.</summary>
    [TimeSpanRange("00:00:01", "30.00:00:00")]
    public TimeSpan ConversationRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Requests waiting for a worker; past it, submissions fail with <c>overloaded</c>.</summary>
    [Range(1, 1_000_000)]
    public int RequestQueueCapacity { get; set; } = 1024;

    /// <summary>Chunks one stream may hold; a longer answer ends with finish reason <c>length</c>.</summary>
    [Range(1, 10_000_000)]
    public int MaxChunksPerStream { get; set; } = 100_000;

    /// <summary>
    /// UTF-8 bytes of answer text one stream may hold (its chunks' deltas; <c>assistant.end</c> repeats them
    /// once more), so a retained or paused stream is bounded in memory as well as in chunks. A longer answer
    /// ends with finish reason <c>length</c>.
    /// </summary>
    [Range(1024, 1L << 30)]
    public long MaxBytesPerStream { get; set; } = 2L * 1024 * 1024;

    /// <summary>Turns kept per conversation (oldest dropped first), which bounds the prompt sent to the model.</summary>
    [Range(2, 10_000)]
    public int MaxHistoryTurns { get; set; } = 40;

    /// <summary>
    /// How long an answer counts against its identity's quota at most. An answer's count normally ends with
    /// its turn; this only bounds a count whose answer was lost with its process (a gateway or worker died).
    /// </summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan AnswerQuotaLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a turn may stay begun but not yet submitted. A gateway that dies between the two leaves the
    /// conversation busy; past this, the next <c>user.message</c> in it takes the turn over.
    /// </summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan TurnStartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often expired streams and conversations are swept.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
