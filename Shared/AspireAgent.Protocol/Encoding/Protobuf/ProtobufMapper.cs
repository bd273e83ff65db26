using Wire = AspireAgent.Protocol.Encoding.Protobuf.Wire;

namespace AspireAgent.Protocol.Encoding.Protobuf;

/// <summary>Maps between <see cref="AgentMessage"/> and the generated <see cref="Wire.Envelope"/>.</summary>
internal static partial class ProtobufMapper
{
    public static Wire.Envelope ToWire(AgentMessage message)
    {
        var envelope = new Wire.Envelope { Id = message.Id, Timestamp = message.Timestamp };
        switch (message)
        {
            case UserMessage m:
                envelope.UserMessage = new Wire.UserMessage { ConversationId = m.ConversationId, Content = m.Content };
                break;
            case AssistantStart m:
                envelope.AssistantStart = new Wire.AssistantStart
                {
                    ConversationId = m.ConversationId,
                    StreamId = m.StreamId,
                    Model = m.Model,
                    Simulated = m.Simulated,
                    ReplyTo = m.ReplyTo ?? string.Empty,
                };
                break;
            case AssistantChunk m:
                envelope.AssistantChunk = new Wire.AssistantChunk { StreamId = m.StreamId, Seq = m.Seq, Delta = m.Delta };
                break;
            case AssistantEnd m:
                envelope.AssistantEnd = new Wire.AssistantEnd
                {
                    StreamId = m.StreamId,
                    FullContent = m.FullContent,
                    FinishReason = (Wire.FinishReason)m.FinishReason,
                    ChunkCount = m.ChunkCount,
                    Usage = new Wire.Usage
                    {
                        PromptTokens = m.Usage.PromptTokens,
                        CompletionTokens = m.Usage.CompletionTokens,
                        TimeToFirstTokenMs = m.Usage.TimeToFirstTokenMs,
                        DurationMs = m.Usage.DurationMs,
                    },
                };
                break;
            case ControlMessage m:
                var control = new Wire.Control { Action = m.Action };
                foreach (var (key, value) in m.Payload ?? new Dictionary<string, string>())
                {
                    control.Payload[key] = value;
                }

                envelope.Control = control;
                break;
            case ErrorMessage m:
                envelope.Error = new Wire.Error
                {
                    Code = m.Code,
                    Message = m.Message,
                    Retryable = m.Retryable,
                    ReplyTo = m.ReplyTo ?? string.Empty,
                    StreamId = m.StreamId ?? string.Empty,
                    RetryAfterMs = m.RetryAfterMs ?? 0,
                };
                break;
            case ConversationList m:
                envelope.ConversationList = ToWire(m);
                break;
            case ConversationHistory m:
                envelope.ConversationHistory = ToWire(m);
                break;
            default:
                throw new ArgumentException($"No Protobuf mapping for {message.GetType().Name}.", nameof(message));
        }

        return envelope;
    }

    public static AgentMessage FromWire(Wire.Envelope e) => e.BodyCase switch
    {
        Wire.Envelope.BodyOneofCase.UserMessage => new UserMessage
        {
            Id = e.Id,
            Timestamp = e.Timestamp,
            ConversationId = e.UserMessage.ConversationId,
            Content = e.UserMessage.Content,
        },
        Wire.Envelope.BodyOneofCase.AssistantStart => new AssistantStart
        {
            Id = e.Id,
            Timestamp = e.Timestamp,
            ConversationId = e.AssistantStart.ConversationId,
            StreamId = e.AssistantStart.StreamId,
            Model = e.AssistantStart.Model,
            Simulated = e.AssistantStart.Simulated,
            ReplyTo = NullIfEmpty(e.AssistantStart.ReplyTo),
        },
        Wire.Envelope.BodyOneofCase.AssistantChunk => new AssistantChunk
        {
            Id = e.Id,
            Timestamp = e.Timestamp,
            StreamId = e.AssistantChunk.StreamId,
            Seq = e.AssistantChunk.Seq,
            Delta = e.AssistantChunk.Delta,
        },
        Wire.Envelope.BodyOneofCase.AssistantEnd => new AssistantEnd
        {
            Id = e.Id,
            Timestamp = e.Timestamp,
            StreamId = e.AssistantEnd.StreamId,
            FullContent = e.AssistantEnd.FullContent,
            FinishReason = Enum.IsDefined((FinishReason)e.AssistantEnd.FinishReason)
                ? (FinishReason)e.AssistantEnd.FinishReason
                : throw new MalformedFrameException($"Unknown finish reason {(int)e.AssistantEnd.FinishReason}."),
            ChunkCount = e.AssistantEnd.ChunkCount,
            Usage = new Usage
            {
                PromptTokens = e.AssistantEnd.Usage?.PromptTokens ?? 0,
                CompletionTokens = e.AssistantEnd.Usage?.CompletionTokens ?? 0,
                TimeToFirstTokenMs = e.AssistantEnd.Usage?.TimeToFirstTokenMs ?? 0,
                DurationMs = e.AssistantEnd.Usage?.DurationMs ?? 0,
            },
        },
        Wire.Envelope.BodyOneofCase.Control => new ControlMessage
        {
            Id = e.Id,
            Timestamp = e.Timestamp,
            Action = e.Control.Action,
            Payload = e.Control.Payload.Count == 0 ? null : Payload(e.Control.Payload),
        },
        Wire.Envelope.BodyOneofCase.Error => new ErrorMessage
        {
            Id = e.Id,
            Timestamp = e.Timestamp,
            Code = e.Error.Code,
            Message = e.Error.Message,
            Retryable = e.Error.Retryable,
            ReplyTo = NullIfEmpty(e.Error.ReplyTo),
            StreamId = NullIfEmpty(e.Error.StreamId),
            RetryAfterMs = e.Error.RetryAfterMs > 0 ? e.Error.RetryAfterMs : null,
        },
        Wire.Envelope.BodyOneofCase.ConversationList => FromWire(e.Id, e.Timestamp, e.ConversationList),
        Wire.Envelope.BodyOneofCase.ConversationHistory => FromWire(e.Id, e.Timestamp, e.ConversationHistory),
        _ => throw new UnknownMessageTypeException("protobuf-unknown-body"),
    };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static IReadOnlyDictionary<string, string> Payload(Google.Protobuf.Collections.MapField<string, string> map)
    {
        var payload = new ControlPayload.Builder(map.Count);
        foreach (var (key, value) in map)
        {
            payload.Add(key, value);
        }

        return payload.Build();
    }
}
