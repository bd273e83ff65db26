
namespace AspireAgent.Protocol.Encoding;

/// <summary>
/// The protocol's own words — control actions and payload keys — as the constant strings, looked up from their
/// UTF-8 bytes, so decoding a pong or an ack does not allocate a new <c>"pong"</c> or <c>"streamId"</c> each time.
/// </summary>
internal static class KnownStrings
{
    private static readonly string[] Words =
    [
        ControlActions.Hello, ControlActions.Welcome, ControlActions.Ping, ControlActions.Pong,
        ControlActions.Interrupt, ControlActions.Ack, ControlActions.Resume, ControlActions.Reset,
        ControlActions.ListConversations, ControlActions.GetConversation, ControlActions.DeleteConversation,
        ControlActions.ConversationDeleted,
        ControlKeys.Token, ControlKeys.Identity, ControlKeys.Node, ControlKeys.Encoding, ControlKeys.StreamId,
        ControlKeys.Seq, ControlKeys.ConversationId, ControlKeys.Attempt, ControlKeys.Heartbeat,
        ControlKeys.HeartbeatIntervalMs, ControlKeys.Flow, ControlKeys.FlowAuto, ControlKeys.ReplyTo,
    ];

    // ASCII, so one byte per character; ordered as Words.
    private static readonly byte[][] Utf8 = [.. Words.Select(System.Text.Encoding.ASCII.GetBytes)];

    /// <summary>Every word of the table, for the test that keeps it in step with the constants.</summary>
    public static IReadOnlyList<string> All => Words;

    /// <summary>The constant spelled by <paramref name="utf8"/>, or null when it is not one of the protocol's words.</summary>
    public static string? Find(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < Utf8.Length; i++)
        {
            if (utf8.SequenceEqual(Utf8[i]))
            {
                return Words[i];
            }
        }

        return null;
    }

    /// <summary>The constant when <paramref name="utf8"/> spells one, else a new string decoded as the codecs decode text.</summary>
    public static string Get(ReadOnlySpan<byte> utf8) => Find(utf8) ?? System.Text.Encoding.UTF8.GetString(utf8);
}
