using System.Buffers;
using System.Net.WebSockets;

namespace AspireAgent.Protocol.Encoding;

/// <summary>
/// Turns <see cref="AgentMessage"/>s into WebSocket frames and back. One instance serves every connection:
/// implementations are stateless and thread-safe.
/// </summary>
public interface IMessageCodec
{
    WireEncoding Encoding { get; }

    /// <summary>The <c>Sec-WebSocket-Protocol</c> token that selects this codec.</summary>
    string SubProtocol { get; }

    /// <summary>Text for JSON, binary for the others; a frame of the other kind is a protocol error.</summary>
    WebSocketMessageType FrameType { get; }

    void Encode(AgentMessage message, IBufferWriter<byte> output);

    /// <exception cref="MalformedFrameException">The bytes are not a valid frame of this encoding.</exception>
    /// <exception cref="UnknownMessageTypeException">The frame is well formed but names a type v1 does not know.</exception>
    AgentMessage Decode(ReadOnlyMemory<byte> frame);

    /// <summary>
    /// True when <paramref name="frame"/> is a well-formed <c>control pong</c>, read without building the message:
    /// a receiver that only needs to know a pong arrived (the gateway: any frame is a sign of life) skips
    /// <see cref="Decode"/> and its allocations for the one message every idle connection sends. False for any
    /// other frame, and for anything <see cref="Decode"/> would refuse.
    /// </summary>
    bool IsPong(ReadOnlyMemory<byte> frame);
}
