using System.Net.WebSockets;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// The connection could not be opened or ended before an answer did. <see cref="CloseStatus"/> carries the
/// server's close code when it sent one (for example 4000, handshake timeout).
/// </summary>
public class AgentConnectionException(string message, WebSocketCloseStatus? closeStatus = null, Exception? inner = null)
    : Exception(message, inner)
{
    public WebSocketCloseStatus? CloseStatus { get; } = closeStatus;
}

/// <summary>
/// The connection was lost after the user message went out but before its <c>assistant.start</c> arrived, so
/// the client never learned the stream id it would need to resume the answer. Sending the message again is
/// safe: if the first one did reach the server, the conversation answers <c>conversation_busy</c> (retryable)
/// until that orphaned answer ends.
/// </summary>
public sealed class AnswerLostException(string message, Exception? inner = null)
    : AgentConnectionException(message, inner: inner)
{
    /// <summary>Always true: the message can be sent again.</summary>
    public bool Retryable => true;
}

/// <summary>A stream skipped a seq (or ended short of its chunk count) more often than resuming could repair.</summary>
public sealed class StreamGapException(string streamId, long expected, long received)
    : AgentConnectionException($"Stream '{streamId}' skipped chunks: seq {expected} was due, {received} came.")
{
    public string StreamId { get; } = streamId;

    /// <summary>The seq that should have come next.</summary>
    public long Expected { get; } = expected;

    /// <summary>The seq that came instead (for an end: its chunk count, the seq that would follow its last chunk).</summary>
    public long Received { get; } = received;
}
