using MessagePack;

namespace AspireAgent.Bench.Answers;

/// <summary>
/// What the hub streams per chunk: the same three facts an <c>assistant.chunk</c> carries that a client needs
/// (<c>seq</c> to prove order, the delta, and the producer's Unix-millisecond stamp to measure delivery latency).
/// A MessagePack array, like the gateway's MessagePack encoding.
/// </summary>
[MessagePackObject]
public sealed record AnswerChunk(
    [property: Key(0)] long Seq,
    [property: Key(1)] string Delta,
    [property: Key(2)] long Timestamp);
