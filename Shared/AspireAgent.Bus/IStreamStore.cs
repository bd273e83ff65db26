using AspireAgent.Protocol;

namespace AspireAgent.Bus;

/// <summary>
/// The log of every answer stream: <c>assistant.start</c>, then chunks with contiguous <c>seq</c>, then
/// <c>assistant.end</c>. Any node can read any stream from any position and then follow it live, which is
/// what makes gateway nodes stateless and streams resumable.
/// </summary>
/// <remarks>
/// A producer that takes over an answer whose earlier producer died (a durable bus re-hands its request)
/// appends a <c>control</c> <see cref="ControlActions.Reset"/> whose <c>seq</c> is the next chunk's: readers
/// drop the answer's text before it, and the new attempt's chunks follow. Seqs keep counting across a reset,
/// so they stay contiguous and unique in the stream, and resume by seq is unaffected.
/// </remarks>
public interface IStreamStore
{
    /// <summary>Registers a stream before its first event, so ownership is known from the start.</summary>
    ValueTask CreateAsync(StreamInfo info, CancellationToken cancellationToken);

    /// <summary>The stream's metadata, or null when it never existed or its retention expired.</summary>
    ValueTask<StreamInfo?> GetAsync(string streamId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends the next event. Chunks must arrive in <c>seq</c> order from 0; <see cref="AssistantEnd"/>
    /// is last and starts the retention clock.
    /// </summary>
    /// <exception cref="InvalidOperationException">The stream is unknown, ended, or the seq is not the next one.</exception>
    ValueTask AppendAsync(string streamId, AgentMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the caller the stream's only producer and tells where the stream stands. Appends through an
    /// earlier producer's handle fail from then on with <see cref="StreamFencedException"/>, so a worker
    /// presumed dead that wakes up cannot write into the answer its successor now owns.
    /// </summary>
    /// <exception cref="StreamNotFoundException">The stream does not exist (or expired).</exception>
    ValueTask<StreamProducer> AcquireAsync(string streamId, CancellationToken cancellationToken);

    /// <summary>
    /// A new handle for the same attempt, after a write whose outcome is unknown (the connection dropped): it
    /// fences out the old handle, so a late copy of that write cannot land, and tells where the stream stands,
    /// so the producer knows whether the write landed.
    /// </summary>
    /// <exception cref="StreamFencedException">Another producer acquired the stream meanwhile.</exception>
    ValueTask<StreamProducer> RenewAsync(StreamProducer producer, CancellationToken cancellationToken);

    /// <summary>Appends as <paramref name="producer"/>, with the same rules as the unfenced append.</summary>
    /// <exception cref="StreamFencedException">Another producer acquired the stream since.</exception>
    ValueTask AppendAsync(StreamProducer producer, AgentMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="messages"/> in order as <paramref name="producer"/>, whole or not at all: each follows
    /// the rules of <see cref="AppendAsync(StreamProducer, AgentMessage, CancellationToken)"/>, and when one is refused
    /// (or the producer was fenced out) none of them is written. Readers see the batch appear at once.
    /// </summary>
    /// <remarks>One bus operation for many chunks: what lets a producer faster than its bus keep up.</remarks>
    /// <exception cref="StreamFencedException">Another producer acquired the stream since.</exception>
    /// <exception cref="InvalidOperationException">The stream is unknown or ended, or a message breaks the order or the limits.</exception>
    ValueTask AppendBatchAsync(StreamProducer producer, IReadOnlyList<AgentMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Replays the stream from <paramref name="from"/>, then follows it live; completes after <c>assistant.end</c>.
    /// </summary>
    /// <exception cref="StreamNotFoundException">The stream does not exist (or expired).</exception>
    IAsyncEnumerable<AgentMessage> ReadAsync(string streamId, StreamPosition from, CancellationToken cancellationToken);
}

/// <summary>Who owns a stream and where it stands.</summary>
public sealed record StreamInfo
{
    public required string StreamId { get; init; }

    public required string ConversationId { get; init; }

    public required string OwnerId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set once <c>assistant.end</c> was appended.</summary>
    public DateTimeOffset? EndedAt { get; init; }
}

/// <summary>Where a read starts: at the very beginning, or after the last chunk a client already has.</summary>
public readonly record struct StreamPosition
{
    private StreamPosition(long afterSeq) => AfterSeq = afterSeq;

    /// <summary>The <c>seq</c> of the last chunk already delivered; -1 for none.</summary>
    public long AfterSeq { get; }

    /// <summary>Everything, <c>assistant.start</c> included.</summary>
    public bool IsBeginning => AfterSeq < 0;

    public static StreamPosition Beginning { get; } = new(-1);

    /// <summary>Chunks after <paramref name="seq"/>, then the end; <c>assistant.start</c> is not repeated.</summary>
    public static StreamPosition AfterChunk(long seq) =>
        seq >= 0 ? new(seq) : throw new ArgumentOutOfRangeException(nameof(seq), seq, "A chunk seq is 0 or more.");
}

/// <summary>An earlier producer wrote after another one had acquired the stream; it must stop at once.</summary>
public sealed class StreamFencedException(string streamId, long epoch)
    : Exception($"Stream '{streamId}' was taken over by another producer; attempt {epoch} may no longer write to it.")
{
    public string StreamId { get; } = streamId;
}

public sealed class StreamNotFoundException(string streamId) : Exception($"Stream '{streamId}' does not exist or has expired.")
{
    public string StreamId { get; } = streamId;
}
