using AspireAgent.Protocol;

namespace AspireAgent.Bus.Memory;

/// <summary>
/// An ended stream's events kept compactly: its start and end as they were, its chunks as arrays (each delta a
/// slice of the end's full content, the ids end to end in one string, the stamps as offsets), rebuilt as equal
/// <see cref="AssistantChunk"/>s only when read.
/// </summary>
/// <remarks>
/// The in-memory bus keeps every ended stream for its retention (10 minutes by default). As objects, a chunk cost
/// about 170 bytes in three objects (the chunk, its id, its delta), and the GC copied every one of them from
/// generation to generation: at 250 answers streaming, each gen0 collection promoted 27-40 MB and paused the
/// process 53-91 ms. Sealed, a chunk is about 32 bytes in no object of its own. Only a stream whose chunks can be
/// rebuilt exactly is sealed: no resets, seqs from 0, the log's own stream id, ids of one length, and deltas that
/// add up to the full content.
/// </remarks>
internal sealed class SealedStream
{
    private readonly string _streamId;
    private readonly string _text;
    private readonly int[] _deltaEnds;
    private readonly string _ids;
    private readonly int _idLength;
    private readonly long _firstStamp;
    private readonly int[] _stampOffsets;

    private SealedStream(
        AgentMessage start, AssistantEnd end, string streamId, int[] deltaEnds, string ids, int idLength, long firstStamp, int[] stampOffsets)
    {
        Start = start;
        End = end;
        _streamId = streamId;
        _text = end.FullContent;
        _deltaEnds = deltaEnds;
        _ids = ids;
        _idLength = idLength;
        _firstStamp = firstStamp;
        _stampOffsets = stampOffsets;
    }

    public AgentMessage Start { get; }

    public AssistantEnd End { get; }

    /// <summary>Events, as in the log: the start, the chunks, the end.</summary>
    public int Count => _deltaEnds.Length + 2;

    /// <summary>The event at <paramref name="index"/>; a chunk is rebuilt, equal to the one appended.</summary>
    public AgentMessage this[int index]
    {
        get
        {
            if (index == 0)
            {
                return Start;
            }

            if (index == Count - 1)
            {
                return End;
            }

            var seq = index - 1;
            var deltaStart = seq == 0 ? 0 : _deltaEnds[seq - 1];
            return new AssistantChunk
            {
                Id = _ids.Substring(seq * _idLength, _idLength),
                Timestamp = _firstStamp + _stampOffsets[seq],
                StreamId = _streamId,
                Seq = seq,
                Delta = _text[deltaStart.._deltaEnds[seq]],
            };
        }
    }

    /// <summary>The sealed form of <paramref name="events"/> (start, chunks, end), or null when it would not rebuild them exactly.</summary>
    public static SealedStream? TryCreate(string streamId, List<AgentMessage> events)
    {
        if (events is not [var start, .., AssistantEnd end] || events.Count < 3 || events[1] is not AssistantChunk first)
        {
            return null;
        }

        var count = events.Count - 2;
        var idLength = first.Id.Length;
        var deltaEnds = new int[count];
        var stampOffsets = new int[count];
        var ids = new char[count * idLength];
        var text = end.FullContent.AsSpan();
        var offset = 0;
        for (var seq = 0; seq < count; seq++)
        {
            if (events[seq + 1] is not AssistantChunk chunk
                || chunk.Seq != seq
                || chunk.Id.Length != idLength
                || !string.Equals(chunk.StreamId, streamId, StringComparison.Ordinal)
                || chunk.Timestamp - first.Timestamp is < int.MinValue or > int.MaxValue
                || !text[offset..].StartsWith(chunk.Delta, StringComparison.Ordinal))
            {
                return null;
            }

            offset += chunk.Delta.Length;
            deltaEnds[seq] = offset;
            stampOffsets[seq] = (int)(chunk.Timestamp - first.Timestamp);
            chunk.Id.CopyTo(ids.AsSpan(seq * idLength));
        }

        return offset == text.Length
            ? new SealedStream(start, end, streamId, deltaEnds, new string(ids), idLength, first.Timestamp, stampOffsets)
            : null;
    }
}
