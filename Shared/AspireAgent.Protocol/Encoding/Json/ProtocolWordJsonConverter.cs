using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireAgent.Protocol.Encoding.Json;

/// <summary>A string that is usually one of the protocol's words (a control action): read as the constant, not a copy.</summary>
internal sealed class ProtocolWordJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? ReadWord(ref reader)
            : throw new JsonException($"Expected a string, got {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>The current string token or property name; the reader's own decoding wherever it is not a plain known word.</summary>
    public static string ReadWord(ref Utf8JsonReader reader) =>
        (!reader.ValueIsEscaped && !reader.HasValueSequence ? KnownStrings.Find(reader.ValueSpan) : null)
        ?? reader.GetString()!;
}
