using AspireAgent.Protocol;

namespace AspireAgent.Bus.Memory;

/// <summary>
/// The rules an append to a <see cref="StreamLog"/> must keep, checked message by message against the state the
/// previous ones leave, without touching the log: <c>assistant.start</c> first, chunk seqs contiguous within the
/// stream's chunk and byte limits, a reset only at the next seq, nothing after the end.
/// </summary>
internal struct AppendCheck(string streamId, bool started, long nextSeq, long textBytes, DateTimeOffset? endedAt)
{
    public long NextSeq { get; private set; } = nextSeq;

    public long TextBytes { get; private set; } = textBytes;

    public DateTimeOffset? EndedAt { get; private set; } = endedAt;

    /// <summary>Seqs of the resets among the messages; null when there are none, which is almost always.</summary>
    public List<long>? Resets { get; private set; }

    /// <exception cref="InvalidOperationException">The message breaks a rule; nothing of the append may land.</exception>
    public void Next(AgentMessage message, DateTimeOffset now, int maxChunks, long maxBytes)
    {
        if (EndedAt is not null)
        {
            throw new InvalidOperationException($"Stream '{streamId}' has ended; nothing can follow its end.");
        }

        switch (message)
        {
            case AssistantStart when !started:
                started = true;
                break;
            case AssistantChunk chunk when started && chunk.Seq == NextSeq:
                if (chunk.Seq >= maxChunks)
                {
                    throw new InvalidOperationException($"Stream '{streamId}' reached its limit of {maxChunks} chunks.");
                }

                TextBytes += System.Text.Encoding.UTF8.GetByteCount(chunk.Delta);
                if (TextBytes > maxBytes)
                {
                    throw new InvalidOperationException($"Stream '{streamId}' reached its limit of {maxBytes} bytes.");
                }

                NextSeq++;
                break;
            case ControlMessage when started && StreamReset.TryRead(message, out var resetSeq) && resetSeq == NextSeq:
                (Resets ??= []).Add(resetSeq);
                break;
            case AssistantEnd when started:
                EndedAt = now;
                break;
            default:
                throw new InvalidOperationException(
                    $"Stream '{streamId}' expected {(started ? $"chunk seq {NextSeq}, a reset or the end" : "assistant.start")}, got {Describe(message)}.");
        }
    }

    private static string Describe(AgentMessage message) =>
        message is AssistantChunk chunk ? $"chunk seq {chunk.Seq}" : message.Type;
}
