using global::MessagePack;

namespace AspireAgent.Protocol.Encoding.MessagePack;

/// <summary>The v1 MessagePack layout, one kind number per message type (see docs/protocol.md).</summary>
internal static partial class MessagePackLayout
{
    private const int CommonFields = 3; // kind, id, timestamp

    private enum Kind
    {
        UserMessage = 0,
        AssistantStart = 1,
        AssistantChunk = 2,
        AssistantEnd = 3,
        Control = 4,
        Error = 5,
        ConversationList = 6,
        ConversationHistory = 7,
    }

    public static void Write(ref MessagePackWriter w, AgentMessage message)
    {
        switch (message)
        {
            case UserMessage m:
                Header(ref w, Kind.UserMessage, m, 2);
                w.Write(m.ConversationId);
                w.Write(m.Content);
                break;
            case AssistantStart m:
                Header(ref w, Kind.AssistantStart, m, 5);
                w.Write(m.ConversationId);
                w.Write(m.StreamId);
                w.Write(m.Model);
                w.Write(m.Simulated);
                w.Write(m.ReplyTo);
                break;
            case AssistantChunk m:
                Header(ref w, Kind.AssistantChunk, m, 3);
                w.Write(m.StreamId);
                w.Write(m.Seq);
                w.Write(m.Delta);
                break;
            case AssistantEnd m:
                Header(ref w, Kind.AssistantEnd, m, 8);
                w.Write(m.StreamId);
                w.Write(m.FullContent);
                w.Write((int)m.FinishReason);
                w.Write(m.ChunkCount);
                w.Write(m.Usage.PromptTokens);
                w.Write(m.Usage.CompletionTokens);
                w.Write(m.Usage.TimeToFirstTokenMs);
                w.Write(m.Usage.DurationMs);
                break;
            case ControlMessage m:
                Header(ref w, Kind.Control, m, 2);
                w.Write(m.Action);
                WritePayload(ref w, m.Payload);
                break;
            case ErrorMessage m:
                // retryAfterMs was added to v1 as a sixth field: written only when set, so older readers see
                // the five they know, and read when present.
                Header(ref w, Kind.Error, m, m.RetryAfterMs is null ? 5 : 6);
                w.Write(m.Code);
                w.Write(m.Message);
                w.Write(m.Retryable);
                w.Write(m.ReplyTo);
                w.Write(m.StreamId);
                if (m.RetryAfterMs is { } retryAfter)
                {
                    w.Write(retryAfter);
                }

                break;
            case ConversationList m:
                Header(ref w, Kind.ConversationList, m, ListFields);
                WriteList(ref w, m);
                break;
            case ConversationHistory m:
                Header(ref w, Kind.ConversationHistory, m, HistoryFields);
                WriteHistory(ref w, m);
                break;
            default:
                throw new ArgumentException($"No MessagePack layout for {message.GetType().Name}.", nameof(message));
        }
    }

    public static AgentMessage Read(ref MessagePackReader r)
    {
        var count = r.ReadArrayHeader();
        if (count < CommonFields)
        {
            throw new MalformedFrameException($"A message array needs at least {CommonFields} elements, got {count}.");
        }

        var kind = r.ReadInt32();
        var id = RequiredString(ref r, "id");
        var timestamp = r.ReadInt64();
        var fields = count - CommonFields;

        // Newer peers may append fields; v1 readers skip what they do not know.
        AgentMessage message = (Kind)kind switch
        {
            // Nil fields are left for the gateway to refuse with invalid_message, as in the other encodings.
            Kind.UserMessage when fields >= 2 => new UserMessage
            {
                Id = id, Timestamp = timestamp,
                ConversationId = r.ReadString() ?? string.Empty,
                Content = r.ReadString() ?? string.Empty,
            },
            Kind.AssistantStart when fields >= 5 => new AssistantStart
            {
                Id = id, Timestamp = timestamp,
                ConversationId = RequiredString(ref r, "conversationId"),
                StreamId = RequiredString(ref r, "streamId"),
                Model = RequiredString(ref r, "model"),
                Simulated = r.ReadBoolean(),
                ReplyTo = r.ReadString(),
            },
            Kind.AssistantChunk when fields >= 3 => new AssistantChunk
            {
                Id = id, Timestamp = timestamp,
                StreamId = RequiredString(ref r, "streamId"),
                Seq = r.ReadInt64(),
                Delta = RequiredString(ref r, "delta"),
            },
            Kind.AssistantEnd when fields >= 8 => ReadEnd(ref r, id, timestamp),
            Kind.Control when fields >= 2 => new ControlMessage
            {
                Id = id, Timestamp = timestamp,
                Action = RequiredWord(ref r, "action"),
                Payload = ReadPayload(ref r),
            },
            Kind.Error when fields >= 5 => new ErrorMessage
            {
                Id = id, Timestamp = timestamp,
                Code = RequiredString(ref r, "code"),
                Message = RequiredString(ref r, "message"),
                Retryable = r.ReadBoolean(),
                ReplyTo = r.ReadString(),
                StreamId = r.ReadString(),
                RetryAfterMs = fields >= 6 && !r.TryReadNil() ? r.ReadInt64() : null,
            },
            Kind.ConversationList when fields >= ListFields => ReadList(ref r, id, timestamp),
            Kind.ConversationHistory when fields >= HistoryFields => ReadHistory(ref r, id, timestamp),
            _ when !Enum.IsDefined((Kind)kind) => throw new UnknownMessageTypeException($"msgpack-kind-{kind}"),
            _ => throw new MalformedFrameException($"Too few fields ({fields}) for message kind {kind}."),
        };

        for (var extra = fields - FieldCount(message); extra > 0; extra--)
        {
            r.Skip();
        }

        return message;
    }

    private static AssistantEnd ReadEnd(ref MessagePackReader r, string id, long timestamp)
    {
        var streamId = RequiredString(ref r, "streamId");
        var fullContent = RequiredString(ref r, "fullContent");
        var reason = r.ReadInt32();
        if (!Enum.IsDefined((FinishReason)reason))
        {
            throw new MalformedFrameException($"Unknown finish reason {reason}.");
        }

        return new AssistantEnd
        {
            Id = id, Timestamp = timestamp,
            StreamId = streamId,
            FullContent = fullContent,
            FinishReason = (FinishReason)reason,
            ChunkCount = r.ReadInt64(),
            Usage = new Usage
            {
                PromptTokens = r.ReadInt32(),
                CompletionTokens = r.ReadInt32(),
                TimeToFirstTokenMs = r.ReadInt64(),
                DurationMs = r.ReadInt64(),
            },
        };
    }

    private static int FieldCount(AgentMessage message) => message switch
    {
        UserMessage or ControlMessage => 2,
        AssistantChunk => 3,
        AssistantStart => 5,
        ErrorMessage m => m.RetryAfterMs is null ? 5 : 6,
        AssistantEnd => 8,
        ConversationList => ListFields,
        ConversationHistory => HistoryFields,
        _ => 0,
    };

    private static void Header(ref MessagePackWriter w, Kind kind, AgentMessage m, int fields)
    {
        w.WriteArrayHeader(CommonFields + fields);
        w.Write((int)kind);
        w.Write(m.Id);
        w.Write(m.Timestamp);
    }

    private static void WritePayload(ref MessagePackWriter w, IReadOnlyDictionary<string, string>? payload)
    {
        if (payload is null)
        {
            w.WriteNil();
            return;
        }

        w.WriteMapHeader(payload.Count);
        foreach (var (key, value) in payload)
        {
            w.Write(key);
            w.Write(value);
        }
    }

    private static IReadOnlyDictionary<string, string>? ReadPayload(ref MessagePackReader r)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        var count = r.ReadMapHeader();
        var payload = new ControlPayload.Builder(count);
        for (var i = 0; i < count; i++)
        {
            payload.Add(RequiredWord(ref r, "payload key"), RequiredString(ref r, "payload value"));
        }

        return payload.Build();
    }

    // An action or a payload key, nearly always one of the protocol's own words: the constant, not a copy. (Values
    // are mostly ids and numbers: read as they are, without a look-up per value.)
    private static string RequiredWord(ref MessagePackReader r, string field) =>
        r.TryReadStringSpan(out var utf8) ? KnownStrings.Get(utf8) : RequiredString(ref r, field);

    private static string RequiredString(ref MessagePackReader r, string field) =>
        r.ReadString() ?? throw new MalformedFrameException($"'{field}' must not be nil.");
}
