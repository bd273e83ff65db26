using AspireAgent.Protocol;

namespace AspireAgent.Bus.Memory;

/// <summary>
/// One stream's events in memory. Index 0 is <c>assistant.start</c>, index <c>seq + 1</c> is chunk
/// <c>seq</c>, the last is <c>assistant.end</c>. Readers wait on <see cref="_changed"/>, which is replaced
/// (and completed) on every append, so any number of readers follow without a queue per reader.
/// </summary>
internal sealed class StreamLog(StreamInfo info, int maxChunks)
{
    private readonly Lock _gate = new();
    private readonly List<AgentMessage> _events = [];
    private TaskCompletionSource _changed = NewSignal();

    public StreamInfo Info { get; private set; } = info;

    public void Append(AgentMessage message, DateTimeOffset now)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (Info.EndedAt is not null)
            {
                throw new InvalidOperationException($"Stream '{Info.StreamId}' has ended; nothing can follow its end.");
            }

            var expectedIndex = _events.Count;
            switch (message)
            {
                case AssistantStart when expectedIndex == 0:
                    break;
                case AssistantChunk chunk when expectedIndex > 0 && chunk.Seq == expectedIndex - 1:
                    if (chunk.Seq >= maxChunks)
                    {
                        throw new InvalidOperationException($"Stream '{Info.StreamId}' reached its limit of {maxChunks} chunks.");
                    }

                    break;
                case AssistantEnd when expectedIndex > 0:
                    Info = Info with { EndedAt = now };
                    break;
                default:
                    throw new InvalidOperationException(
                        $"Stream '{Info.StreamId}' expected {(expectedIndex == 0 ? "assistant.start" : $"chunk seq {expectedIndex - 1} or the end")}, got {Describe(message)}.");
            }

            _events.Add(message);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    /// <summary>Copies events from <paramref name="index"/> on; returns the signal to await for more.</summary>
    public Task ReadFrom(int index, List<AgentMessage> into, out bool ended)
    {
        lock (_gate)
        {
            for (var i = index; i < _events.Count; i++)
            {
                into.Add(_events[i]);
            }

            ended = Info.EndedAt is not null;
            return _changed.Task;
        }
    }

    private static string Describe(AgentMessage message) =>
        message is AssistantChunk chunk ? $"chunk seq {chunk.Seq}" : message.Type;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
