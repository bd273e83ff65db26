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

    public void Encode(AgentMessage message, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, message, ProtocolJsonContext.Default.AgentMessage);
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
