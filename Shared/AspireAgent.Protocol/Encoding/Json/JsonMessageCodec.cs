using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace AspireAgent.Protocol.Encoding.Json;

/// <summary>UTF-8 JSON in text frames, through the source-generated <see cref="ProtocolJsonContext"/>.</summary>
internal sealed class JsonMessageCodec : IMessageCodec
{
    public WireEncoding Encoding => WireEncoding.Json;

    public string SubProtocol => MessageCodecs.JsonSubProtocol;

    public WebSocketMessageType FrameType => WebSocketMessageType.Text;

    // The chunk's constant envelope, encoded once: property names and its discriminator.
    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText ChunkType = JsonEncodedText.Encode(MessageTypes.AssistantChunk);
    private static readonly JsonEncodedText IdProperty = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText TimestampProperty = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText StreamIdProperty = JsonEncodedText.Encode("streamId");
    private static readonly JsonEncodedText SeqProperty = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText DeltaProperty = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText ControlType = JsonEncodedText.Encode(MessageTypes.Control);
    private static readonly JsonEncodedText ActionProperty = JsonEncodedText.Encode("action");
    private static readonly JsonEncodedText PayloadProperty = JsonEncodedText.Encode("payload");

    // Encoding is synchronous, so one writer per thread serves every connection: a streaming answer no
    // longer allocates a writer (and its state) per chunk.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public void Encode(AgentMessage message, IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            t_writer = writer = new Utf8JsonWriter(output);
        }
        else
        {
            // Also clears what a serialization that threw may have left half-written.
            writer.Reset(output);
        }

        if (message is AssistantChunk chunk)
        {
            WriteChunk(writer, chunk);
        }
        else if (message is ControlMessage control)
        {
            WriteControl(writer, control);
        }
        else
        {
            JsonSerializer.Serialize(writer, message, ProtocolJsonContext.Default.AgentMessage);
        }

        writer.Flush();
    }

    // Nine frames in ten of an answer: written by hand, byte for byte what the serializer writes (discriminator
    // first, then the base's properties, then the chunk's), without its polymorphic dispatch and write stack.
    private static void WriteChunk(Utf8JsonWriter writer, AssistantChunk chunk)
    {
        WriteStart(writer, ChunkType, chunk);
        writer.WriteString(StreamIdProperty, chunk.StreamId);
        writer.WriteNumber(SeqProperty, chunk.Seq);
        writer.WriteString(DeltaProperty, chunk.Delta);
        writer.WriteEndObject();
    }

    // Every heartbeat and acknowledgement: by hand for the same reason, and because the serializer's polymorphic
    // path allocates its write stack on each call (~300 B per ping to every idle connection).
    private static void WriteControl(Utf8JsonWriter writer, ControlMessage control)
    {
        WriteStart(writer, ControlType, control);
        writer.WriteString(ActionProperty, control.Action);
        if (control.Payload is { } payload)
        {
            writer.WritePropertyName(PayloadProperty);
            ControlPayloadJsonConverter.WritePairs(writer, payload);
        }

        writer.WriteEndObject();
    }

    // What the serializer writes first for every message: the discriminator, then the base's id and ts.
    private static void WriteStart(Utf8JsonWriter writer, JsonEncodedText type, AgentMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeProperty, type);
        writer.WriteString(IdProperty, message.Id);
        writer.WriteNumber(TimestampProperty, message.Timestamp);
    }

    public AgentMessage Decode(ReadOnlyMemory<byte> frame)
    {
        try
        {
            return JsonSerializer.Deserialize(frame.Span, ProtocolJsonContext.Default.AgentMessage)
                ?? throw new MalformedFrameException("The frame is JSON null.");
        }
        catch (JsonException ex)
        {
            // Only the failure path pays for the second parse that tells "unknown type" from "broken".
            throw ReadDiscriminator(frame) is { } type && !MessageTypes.All.Contains(type)
                ? new UnknownMessageTypeException(type)
                : new MalformedFrameException($"Invalid JSON message: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MalformedFrameException($"Invalid JSON message: {ex.Message}", ex);
        }
    }

    public bool IsPong(ReadOnlyMemory<byte> frame)
    {
        // The whole frame is read (so its syntax is checked as Decode would); the members Decode requires of a
        // control message must be there with their types, in any order.
        var reader = new Utf8JsonReader(frame.Span);
        var (control, pong, id, ts) = (false, false, false, false);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader;
                reader.Read();
                // Any other message is told apart at its type or action, without reading the rest of it.
                if (name.ValueTextEquals("type"u8))
                {
                    control = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(MessageTypes.Control);
                    if (!control)
                    {
                        return false;
                    }
                }
                else if (name.ValueTextEquals("action"u8))
                {
                    pong = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(ControlActions.Pong);
                    if (!pong)
                    {
                        return false;
                    }
                }
                else if (name.ValueTextEquals("id"u8))
                {
                    id = reader.TokenType == JsonTokenType.String;
                }
                else if (name.ValueTextEquals("ts"u8))
                {
                    ts = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out _);
                }
                else if (name.ValueTextEquals("payload"u8))
                {
                    if (!IsStringsOrNull(ref reader))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return control && pong && id && ts && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // A payload as ControlPayloadJsonConverter accepts it: null, or an object whose values are all strings.
    private static bool IsStringsOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }
        }

        return true;
    }

    private static string? ReadDiscriminator(ReadOnlyMemory<byte> frame)
    {
        try
        {
            using var document = JsonDocument.Parse(frame);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out var type)
                && type.ValueKind == JsonValueKind.String
                    ? type.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
