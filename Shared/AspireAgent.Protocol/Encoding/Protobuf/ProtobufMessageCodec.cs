using System.Buffers;
using System.Net.WebSockets;
using Google.Protobuf;
using Wire = AspireAgent.Protocol.Encoding.Protobuf.Wire;

namespace AspireAgent.Protocol.Encoding.Protobuf;

/// <summary>
/// Protobuf in binary frames, schema in <c>agent.proto</c>. The generated classes stay internal: the rest
/// of the system speaks <see cref="AgentMessage"/>, and <see cref="ProtobufMapper"/> converts at the edge.
/// </summary>
internal sealed class ProtobufMessageCodec : IMessageCodec
{
    public WireEncoding Encoding => WireEncoding.Protobuf;

    public string SubProtocol => MessageCodecs.ProtobufSubProtocol;

    public WebSocketMessageType FrameType => WebSocketMessageType.Binary;

    public void Encode(AgentMessage message, IBufferWriter<byte> output) =>
        ProtobufMapper.ToWire(message).WriteTo(output);

    public AgentMessage Decode(ReadOnlyMemory<byte> frame)
    {
        Wire.Envelope envelope;
        try
        {
            envelope = Wire.Envelope.Parser.ParseFrom(frame.Span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new MalformedFrameException($"Invalid Protobuf message: {ex.Message}", ex);
        }

        return ProtobufMapper.FromWire(envelope);
    }

    // Not recognised without parsing: Protobuf's reader builds the envelope anyway, so a pong takes the full decode.
    public bool IsPong(ReadOnlyMemory<byte> frame) => false;
}
