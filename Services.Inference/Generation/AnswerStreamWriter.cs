using System.Text;
using AspireAgent.Bus;
using AspireAgent.Protocol;

namespace AspireAgent.Inference.Generation;

/// <summary>
/// Appends one answer to its stream and keeps what readers rely on: <c>assistant.start</c> first, chunk
/// seqs contiguous from 0, at most the stream's chunk limit, and an end whose full content is exactly the
/// concatenation of the deltas.
/// </summary>
internal sealed class AnswerStreamWriter(IStreamStore streams, ChatRequest request, int maxChunks, TimeProvider time)
{
    private readonly StringBuilder _content = new();

    public ChatRequest Request => request;

    public bool HasStarted { get; private set; }

    public bool HasEnded { get; private set; }

    public long ChunkCount { get; private set; }

    /// <summary>No chunk may follow; the next delta is dropped and the answer ends with <c>length</c>.</summary>
    public bool IsFull => ChunkCount >= maxChunks;

    public string Content => _content.ToString();

    public async ValueTask StartAsync(string model, bool simulated, CancellationToken cancellationToken)
    {
        await streams.AppendAsync(request.StreamId, new AssistantStart
        {
            Id = MessageIds.New(),
            Timestamp = Now(),
            ConversationId = request.ConversationId,
            StreamId = request.StreamId,
            Model = model,
            Simulated = simulated,
            ReplyTo = request.UserMessageId,
        }, cancellationToken).ConfigureAwait(false);
        HasStarted = true;
    }

    public async ValueTask AppendAsync(string delta, CancellationToken cancellationToken)
    {
        await streams.AppendAsync(request.StreamId, new AssistantChunk
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
        await streams.AppendAsync(request.StreamId, end, cancellationToken).ConfigureAwait(false);
        HasEnded = true;
        return end;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
