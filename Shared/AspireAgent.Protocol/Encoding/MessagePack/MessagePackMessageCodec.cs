using System.Buffers;
using System.Net.WebSockets;
using global::MessagePack;

namespace AspireAgent.Protocol.Encoding.MessagePack;

/// <summary>
/// MessagePack in binary frames: each message is one flat array <c>[kind, id, timestamp, fields…]</c>.
/// </summary>
/// <remarks>
/// Written against MessagePack-CSharp's <see cref="MessagePackWriter"/>/<see cref="MessagePackReader"/>
/// (as SignalR's MessagePack hub protocol is) rather than attribute-driven formatters: the layout is then
/// the documented contract itself, and no dynamic code generation is needed in the browser.
/// </remarks>
internal sealed class MessagePackMessageCodec : IMessageCodec
{
    public WireEncoding Encoding => WireEncoding.MessagePack;

    public string SubProtocol => MessageCodecs.MessagePackSubProtocol;

    public WebSocketMessageType FrameType => WebSocketMessageType.Binary;

    public void Encode(AgentMessage message, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        MessagePackLayout.Write(ref writer, message);
        writer.Flush();
    }

    public AgentMessage Decode(ReadOnlyMemory<byte> frame)
    {
        try
        {
            var reader = new MessagePackReader(frame);
            var message = MessagePackLayout.Read(ref reader);
            return reader.End
                ? message
                : throw new MalformedFrameException("Trailing bytes after the MessagePack message.");
        }
        catch (MessagePackSerializationException ex)
        {
            throw new MalformedFrameException($"Invalid MessagePack message: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new MalformedFrameException("Truncated MessagePack message.", ex);
        }
        catch (OverflowException ex)
        {
            throw new MalformedFrameException($"Invalid MessagePack message: {ex.Message}", ex);
        }
    }

    public bool IsPong(ReadOnlyMemory<byte> frame)
    {
        try
        {
            var reader = new MessagePackReader(frame);
            return MessagePackLayout.IsPong(ref reader) && reader.End;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            return false;
        }
    }
}
