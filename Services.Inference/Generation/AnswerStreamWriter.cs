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
internal sealed class AnswerStreamWriter(IStreamStore streams, StreamProducer producer, ChatRequest request, int maxChunks, TimeProvider time)
{
    private readonly StringBuilder _content = new();

    public ChatRequest Request => request;

    public StreamProducer Producer => producer;

    /// <summary>The seq of this attempt's first chunk: 0, or the count a takeover continues from.</summary>
    public long FirstSeq { get; } = producer.NextSeq;

    /// <summary>Chunks in the stream, earlier attempts' included: the next chunk's seq.</summary>
    public long ChunkCount { get; private set; } = producer.NextSeq;

    /// <summary>No chunk may follow; the next delta is dropped and the answer ends with <c>length</c>.</summary>
    public bool IsFull => ChunkCount >= maxChunks;

    /// <summary>This attempt's text.</summary>
    public string Content => _content.ToString();

    /// <summary>
    /// Writes what opens this attempt: <c>assistant.start</c> for a fresh stream; a reset when earlier attempts
    /// left chunks, so readers drop their text; nothing when the stream has started but holds no chunk yet.
    /// </summary>
    public async ValueTask OpenAsync(string model, bool simulated, CancellationToken cancellationToken)
    {
        if (!producer.Started)
        {
            await streams.AppendAsync(producer, new AssistantStart
            {
                Id = MessageIds.New(),
                Timestamp = Now(),
                ConversationId = request.ConversationId,
                StreamId = request.StreamId,
                Model = model,
                Simulated = simulated,
                ReplyTo = request.UserMessageId,
            }, cancellationToken).ConfigureAwait(false);
        }
        else if (producer.NextSeq > 0)
        {
            await streams.AppendAsync(producer, StreamReset.Create(request.StreamId, producer.NextSeq, producer.Epoch, Now()), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    public async ValueTask AppendAsync(string delta, CancellationToken cancellationToken)
    {
        await streams.AppendAsync(producer, new AssistantChunk
        {
            Id = MessageIds.New(),
            Timestamp = Now(),
            StreamId = request.StreamId,
            Seq = ChunkCount,
            Delta = delta,
        }, cancellationToken).ConfigureAwait(false);
        _content.Append(delta);
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
        await streams.AppendAsync(producer, end, cancellationToken).ConfigureAwait(false);
        return end;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
