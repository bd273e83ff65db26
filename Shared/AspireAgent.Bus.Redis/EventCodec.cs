using System.Buffers;
using System.Text;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Stream events are stored in the wire protocol's MessagePack encoding: compact, and it round-trips every
/// message type. A live notification is the entry id, <c>|</c>, then the same bytes.
/// </summary>
internal static class EventCodec
{
    private const byte Separator = (byte)'|';

    public static byte[] Encode(AgentMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        MessageCodecs.MessagePack.Encode(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static AgentMessage Decode(ReadOnlyMemory<byte> bytes) => MessageCodecs.MessagePack.Decode(bytes);

    /// <summary>Splits a live notification into its entry id and its event.</summary>
    public static bool TryDecodeNotification(ReadOnlyMemory<byte> notification, out StreamEventId id, out AgentMessage? message)
    {
        message = null;
        id = default;
        var separator = notification.Span.IndexOf(Separator);
        if (separator <= 0 || !StreamEventId.TryParse(Encoding.ASCII.GetString(notification.Span[..separator]), out id))
        {
            return false;
        }

        message = Decode(notification[(separator + 1)..]);
        return true;
    }
}
