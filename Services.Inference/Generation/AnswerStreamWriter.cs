using System.Text;
using AspireAgent.Bus;
using AspireAgent.Protocol;

namespace AspireAgent.Inference.Generation;

/// <summary>
/// Appends one attempt at an answer to its stream, as the stream's current producer, and keeps what readers
/// rely on: <c>assistant.start</c> first (or a reset when taking over an answer that has chunks already),
/// chunk seqs contiguous across the whole stream, at most the stream's chunk limit, and an end whose full
/// content is exactly the concatenation of this attempt's deltas.
/// </summary>
/// <remarks>
/// A write that fails for a reason other than the stream's rules (the connection to the bus dropped) has an
/// unknown outcome. The writer then renews its handle, which fences out any late copy of that write, reads
/// from the stream whether it landed, and goes on: the answer continues without a reset. Only if that fails
/// too does the failure reach the generator, which starts a new attempt.
/// </remarks>
internal sealed class AnswerStreamWriter(
    IStreamStore streams, StreamProducer producer, ChatRequest request, int maxChunks, long maxBytes, TimeProvider time)
{
    private readonly StringBuilder _content = new();
    private StreamProducer _producer = producer;
    private long _textBytes;

    public ChatRequest Request => request;

    /// <summary>The handle this attempt writes with (renewed when a lost write was recovered).</summary>
    public StreamProducer Producer => _producer;

    /// <summary>The seq of this attempt's first chunk: 0, or the count a takeover continues from.</summary>
    public long FirstSeq { get; } = producer.NextSeq;

    /// <summary>Chunks in the stream, earlier attempts' included: the next chunk's seq.</summary>
    public long ChunkCount { get; private set; } = producer.NextSeq;

    /// <summary>
    /// Whether <paramref name="delta"/> may follow within the stream's chunk and byte limits; when not, it is
    /// dropped and the answer ends with <c>length</c>. Only this attempt's text counts toward the bytes.
    /// </summary>
    public bool Fits(string delta) => ChunkCount < maxChunks && _textBytes + Encoding.UTF8.GetByteCount(delta) <= maxBytes;

    /// <summary>This attempt's text.</summary>
    public string Content => _content.ToString();

    /// <summary>Writes that failed with an unknown outcome and were recovered without a new attempt.</summary>
    public int RecoveredWrites { get; private set; }

    /// <summary>
    /// Writes what opens this attempt: <c>assistant.start</c> for a fresh stream; a reset when earlier attempts
    /// left chunks, so readers drop their text; nothing when the stream has started but holds no chunk yet.
    /// </summary>
    public async ValueTask OpenAsync(string model, bool simulated, CancellationToken cancellationToken)
    {
        if (!_producer.Started)
        {
            var start = new AssistantStart
            {
                Id = MessageIds.New(),
                Timestamp = Now(),
                ConversationId = request.ConversationId,
                StreamId = request.StreamId,
                Model = model,
                Simulated = simulated,
                ReplyTo = request.UserMessageId,
            };
            await WriteAsync(start, landed: state => state.Started, cancellationToken).ConfigureAwait(false);
        }
        else if (_producer.NextSeq > 0)
        {
            // Whether a reset landed cannot be read back; writing it twice only clears the client twice.
            var reset = StreamReset.Create(request.StreamId, _producer.NextSeq, _producer.Attempt, Now());
            await WriteAsync(reset, landed: _ => false, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask AppendAsync(string delta, CancellationToken cancellationToken)
    {
        var seq = ChunkCount;
        var chunk = new AssistantChunk { Id = MessageIds.New(), Timestamp = Now(), StreamId = request.StreamId, Seq = seq, Delta = delta };
        await WriteAsync(chunk, landed: state => state.NextSeq > seq, cancellationToken).ConfigureAwait(false);
        _content.Append(delta);
        _textBytes += Encoding.UTF8.GetByteCount(delta);
        ChunkCount++;
    }

    /// <summary>The end: <c>chunkCount</c> counts every chunk of the stream, so the last seq stays <c>chunkCount - 1</c>.</summary>
    public async ValueTask<AssistantEnd> EndAsync(FinishReason reason, Usage usage, CancellationToken cancellationToken)
    {
        var end = new AssistantEnd
        {
            Id = MessageIds.New(),
            Timestamp = Now(),
            StreamId = request.StreamId,
            FullContent = Content,
            Usage = usage,
            FinishReason = reason,
            ChunkCount = ChunkCount,
        };
        await WriteAsync(end, landed: state => state.End is not null, cancellationToken).ConfigureAwait(false);
        return end;
    }

    private async ValueTask WriteAsync(AgentMessage message, Func<StreamProducer, bool> landed, CancellationToken cancellationToken)
    {
        try
        {
            await streams.AppendAsync(_producer, message, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception exception) when (OutcomeUnknown(exception, cancellationToken))
        {
        }

        // Only this handle could write since its last successful write, so the stream's state after the renewal
        // says exactly whether the lost write landed. (A takeover meanwhile makes the renewal fail as fenced.)
        var state = await streams.RenewAsync(_producer, cancellationToken).ConfigureAwait(false);
        _producer = state;
        RecoveredWrites++;
        if (!landed(state))
        {
            await streams.AppendAsync(_producer, message, cancellationToken).ConfigureAwait(false);
        }
    }

    // The stream's own refusals are answers, not lost writes; cancellation is the caller's.
    private static bool OutcomeUnknown(Exception exception, CancellationToken cancellationToken) =>
        exception is not (StreamFencedException or StreamNotFoundException or InvalidOperationException)
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
