using MessagePack;

namespace AspireAgent.LoadTool.Scenarios.Streaming;

/// <summary>
/// The SignalR peer's <c>AnswerChunk</c> as the client reads it: MessagePack arrays are read by position, so this
/// mirror needs no reference to the peer's assembly. Public, as MessagePack's dynamic resolver requires.
/// </summary>
[MessagePackObject]
public sealed record PeerChunk([property: Key(0)] long Seq, [property: Key(1)] string Delta, [property: Key(2)] long Timestamp);
