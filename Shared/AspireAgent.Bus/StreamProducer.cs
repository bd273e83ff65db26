using AspireAgent.Protocol;

namespace AspireAgent.Bus;

/// <summary>
/// A producer's handle on one stream, from <see cref="IStreamStore.AcquireAsync"/>, and the state it found:
/// a first producer finds an empty stream; a successor finds what its dead predecessor left.
/// </summary>
public sealed record StreamProducer
{
    public required string StreamId { get; init; }

    /// <summary>The fencing token: one more for every acquisition or renewal; appends with an older one are refused.</summary>
    public required long Epoch { get; init; }

    /// <summary>1 for the first producer, one more for each takeover: the attempt at the answer this producer makes.</summary>
    public required long Attempt { get; init; }

    /// <summary>Whether <c>assistant.start</c> is in the stream already.</summary>
    public required bool Started { get; init; }

    /// <summary>Chunks in the stream already: the seq the next chunk must carry.</summary>
    public required long NextSeq { get; init; }

    /// <summary>The end, when the stream has ended already (its producer died before completing the request).</summary>
    public AssistantEnd? End { get; init; }
}
