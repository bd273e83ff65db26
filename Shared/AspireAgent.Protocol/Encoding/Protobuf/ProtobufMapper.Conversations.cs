using Wire = AspireAgent.Protocol.Encoding.Protobuf.Wire;

namespace AspireAgent.Protocol.Encoding.Protobuf;

/// <summary>The conversation replies; proto3 has no null string, so an absent stream id travels as empty.</summary>
internal static partial class ProtobufMapper
{
    private static Wire.ConversationList ToWire(ConversationList m)
    {
        var list = new Wire.ConversationList { ReplyTo = m.ReplyTo };
        list.Conversations.Add(m.Conversations.Select(c => new Wire.ConversationSummary
        {
            ConversationId = c.ConversationId,
            Title = c.Title,
            LastActivity = c.LastActivity,
            ActiveStreamId = c.ActiveStreamId ?? string.Empty,
        }));
        return list;
    }

    private static Wire.ConversationHistory ToWire(ConversationHistory m)
    {
        var history = new Wire.ConversationHistory
        {
            ReplyTo = m.ReplyTo,
            ConversationId = m.ConversationId,
            ActiveStreamId = m.ActiveStreamId ?? string.Empty,
        };
        history.Turns.Add(m.Turns.Select(t => new Wire.ConversationTurn
        {
            Role = t.Role,
            Content = t.Content,
            StreamId = t.StreamId ?? string.Empty,
        }));
        return history;
    }

    private static ConversationList FromWire(string id, long timestamp, Wire.ConversationList list) => new()
    {
        Id = id,
        Timestamp = timestamp,
        ReplyTo = list.ReplyTo,
        Conversations = [.. list.Conversations.Select(c => new ConversationSummary
        {
            ConversationId = c.ConversationId,
            Title = c.Title,
            LastActivity = c.LastActivity,
            ActiveStreamId = NullIfEmpty(c.ActiveStreamId),
        })],
    };

    private static ConversationHistory FromWire(string id, long timestamp, Wire.ConversationHistory history) => new()
    {
        Id = id,
        Timestamp = timestamp,
        ReplyTo = history.ReplyTo,
        ConversationId = history.ConversationId,
        ActiveStreamId = NullIfEmpty(history.ActiveStreamId),
        Turns = [.. history.Turns.Select(t => new ConversationTurn { Role = t.Role, Content = t.Content, StreamId = NullIfEmpty(t.StreamId) })],
    };
}
