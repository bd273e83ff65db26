using global::MessagePack;

namespace AspireAgent.Protocol.Encoding.MessagePack;

/// <summary>
/// The conversation replies: <c>[6, id, ts, replyTo, [[conversationId, title, lastActivity, activeStreamId|nil]…]]</c>
/// and <c>[7, id, ts, replyTo, conversationId, activeStreamId|nil, [[role, content, streamId|nil]…]]</c>.
/// </summary>
internal static partial class MessagePackLayout
{
    private const int ListFields = 2;
    private const int HistoryFields = 4;
    private const int SummaryFields = 4;
    private const int TurnFields = 3;

    private static void WriteList(ref MessagePackWriter w, ConversationList m)
    {
        w.Write(m.ReplyTo);
        w.WriteArrayHeader(m.Conversations.Count);
        foreach (var c in m.Conversations)
        {
            w.WriteArrayHeader(SummaryFields);
            w.Write(c.ConversationId);
            w.Write(c.Title);
            w.Write(c.LastActivity);
            w.Write(c.ActiveStreamId);
        }
    }

    private static void WriteHistory(ref MessagePackWriter w, ConversationHistory m)
    {
        w.Write(m.ReplyTo);
        w.Write(m.ConversationId);
        w.Write(m.ActiveStreamId);
        w.WriteArrayHeader(m.Turns.Count);
        foreach (var turn in m.Turns)
        {
            w.WriteArrayHeader(TurnFields);
            w.Write(turn.Role);
            w.Write(turn.Content);
            w.Write(turn.StreamId);
        }
    }

    private static ConversationList ReadList(ref MessagePackReader r, string id, long timestamp)
    {
        var replyTo = RequiredString(ref r, "replyTo");
        var count = r.ReadArrayHeader();
        var conversations = new ConversationSummary[count];
        for (var i = 0; i < count; i++)
        {
            var fields = Items(ref r, SummaryFields, "conversation");
            conversations[i] = new ConversationSummary
            {
                ConversationId = RequiredString(ref r, "conversationId"),
                Title = RequiredString(ref r, "title"),
                LastActivity = r.ReadInt64(),
                ActiveStreamId = r.ReadString(),
            };
            Skip(ref r, fields - SummaryFields);
        }

        return new ConversationList { Id = id, Timestamp = timestamp, ReplyTo = replyTo, Conversations = conversations };
    }

    private static ConversationHistory ReadHistory(ref MessagePackReader r, string id, long timestamp)
    {
        var replyTo = RequiredString(ref r, "replyTo");
        var conversationId = RequiredString(ref r, "conversationId");
        var active = r.ReadString();
        var count = r.ReadArrayHeader();
        var turns = new ConversationTurn[count];
        for (var i = 0; i < count; i++)
        {
            var fields = Items(ref r, TurnFields, "turn");
            turns[i] = new ConversationTurn
            {
                Role = RequiredString(ref r, "role"),
                Content = RequiredString(ref r, "content"),
                StreamId = r.ReadString(),
            };
            Skip(ref r, fields - TurnFields);
        }

        return new ConversationHistory
        {
            Id = id, Timestamp = timestamp, ReplyTo = replyTo, ConversationId = conversationId, ActiveStreamId = active, Turns = turns,
        };
    }

    private static int Items(ref MessagePackReader r, int needed, string what)
    {
        var fields = r.ReadArrayHeader();
        return fields >= needed ? fields : throw new MalformedFrameException($"A {what} needs {needed} elements, got {fields}.");
    }

    // Newer peers may append fields to an item too.
    private static void Skip(ref MessagePackReader r, int extra)
    {
        for (; extra > 0; extra--)
        {
            r.Skip();
        }
    }
}
