using System.Buffers;
using System.Buffers.Text;
using System.Text;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Stream events are stored in the wire protocol's MessagePack encoding: compact, and it round-trips every
/// message type. A live notification carries the events of one append: <c>*</c>, then for each event its entry
/// id, <c>|</c>, the length of its bytes, <c>|</c>, and the bytes, so a reader needs no read of the log.
/// </summary>
/// <remarks>
/// The single-event form of earlier versions (<c>id|bytes</c>) is still understood. A reader of such a version
/// cannot parse the batch form (its id does not start with a digit) and reads the log instead, so during a
/// rolling deploy old readers lose only the shortcut, never an event.
/// </remarks>
internal static class EventCodec
{
    private const byte Separator = (byte)'|';
    private const byte BatchMarker = (byte)'*';

    // A buffer grown past this (an end carrying a long answer) is not kept for the thread's next event.
    private const int KeptBufferBytes = 16 * 1024;

    // One per thread, reused: an encoder per event was the Redis path's largest garbage after the event itself.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static byte[] Encode(AgentMessage message)
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(256);
        t_buffer = null;
        buffer.ResetWrittenCount();
        MessageCodecs.MessagePack.Encode(message, buffer);
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity <= KeptBufferBytes)
        {
            t_buffer = buffer;
        }

        return bytes;
    }

    public static AgentMessage Decode(ReadOnlyMemory<byte> bytes) => MessageCodecs.MessagePack.Decode(bytes);

    /// <summary>
    /// Splits a live notification into its events, in order. False when it is not one this version can read
    /// (the reader then reads the log): <paramref name="into"/> is left as it was.
    /// </summary>
    public static bool TryDecodeNotification(ReadOnlyMemory<byte> notification, List<(StreamEventId Id, AgentMessage Message)> into)
    {
        var count = into.Count;
        if (TryDecode(notification, into))
        {
            return true;
        }

        into.RemoveRange(count, into.Count - count);
        return false;
    }

    private static bool TryDecode(ReadOnlyMemory<byte> notification, List<(StreamEventId, AgentMessage)> into)
    {
        if (notification.Span is not [BatchMarker, ..])
        {
            var separator = notification.Span.IndexOf(Separator);
            if (separator <= 0 || !TryParseId(notification.Span[..separator], out var single))
            {
                return false;
            }

            into.Add((single, Decode(notification[(separator + 1)..])));
            return true;
        }

        var rest = notification[1..];
        while (!rest.IsEmpty)
        {
            var idEnd = rest.Span.IndexOf(Separator);
            if (idEnd <= 0 || !TryParseId(rest.Span[..idEnd], out var id))
            {
                return false;
            }

            rest = rest[(idEnd + 1)..];
            var lengthEnd = rest.Span.IndexOf(Separator);
            if (lengthEnd <= 0 || !Utf8Parser.TryParse(rest.Span[..lengthEnd], out int length, out var used)
                || used != lengthEnd || length < 0 || length > rest.Length - lengthEnd - 1)
            {
                return false;
            }

            rest = rest[(lengthEnd + 1)..];
            into.Add((id, Decode(rest[..length])));
            rest = rest[length..];
        }

        return true;
    }

    private static bool TryParseId(ReadOnlySpan<byte> ascii, out StreamEventId id)
    {
        id = default;
        if (ascii.Length > 41)
        {
            return false;
        }

        Span<char> text = stackalloc char[41];
        return StreamEventId.TryParse(text[..Encoding.ASCII.GetChars(ascii, text)], out id);
    }
}
