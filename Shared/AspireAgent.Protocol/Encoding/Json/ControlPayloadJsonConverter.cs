using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireAgent.Protocol.Encoding.Json;

/// <summary>
/// Reads a control payload into a <see cref="ControlPayload"/> with its keys as the protocol's constants, where
/// the serializer would build a dictionary and a new string for every key. Values must be strings, as in the
/// other encodings.
/// </summary>
internal sealed class ControlPayloadJsonConverter : JsonConverter<IReadOnlyDictionary<string, string>>
{
    public override IReadOnlyDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The payload must be an object of strings.");
        }

        var payload = new ControlPayload.Builder(0);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = ProtocolWordJsonConverter.ReadWord(ref reader);
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"The payload's '{key}' must be a string.");
            }

            // Values are mostly ids and numbers: read as they are, without a look-up per value.
            payload.Add(key, reader.GetString()!);
        }

        return payload.Build();
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options) =>
        WritePairs(writer, value);

    /// <summary>The payload as a JSON object of strings (also the codec's hand-written control path).</summary>
    public static void WritePairs(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> payload)
    {
        writer.WriteStartObject();
        foreach (var (key, item) in payload)
        {
            writer.WriteString(key, item);
        }

        writer.WriteEndObject();
    }
}
