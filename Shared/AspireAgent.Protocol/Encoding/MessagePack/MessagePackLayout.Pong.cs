using global::MessagePack;

namespace AspireAgent.Protocol.Encoding.MessagePack;

internal static partial class MessagePackLayout
{
    /// <summary>
    /// Reads a whole message and tells whether it is a control pong, allocating nothing: the header and action are
    /// checked as <see cref="Read"/> checks them, the payload must be nil or a map of strings, and any appended
    /// fields are skipped (structurally read).
    /// </summary>
    public static bool IsPong(ref MessagePackReader r)
    {
        var count = r.ReadArrayHeader();
        if (count < CommonFields + 2 || r.ReadInt32() != (int)Kind.Control || !r.TryReadStringSpan(out _))
        {
            return false;
        }

        r.ReadInt64();
        if (!r.TryReadStringSpan(out var action) || !action.SequenceEqual("pong"u8))
        {
            return false;
        }

        if (!r.TryReadNil())
        {
            for (var strings = r.ReadMapHeader() * 2; strings > 0; strings--)
            {
                if (!r.TryReadStringSpan(out _))
                {
                    return false;
                }
            }
        }

        for (var field = CommonFields + 2; field < count; field++)
        {
            r.Skip();
        }

        return true;
    }
}
