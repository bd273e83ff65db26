using System.Diagnostics.CodeAnalysis;
using AspireAgent.Protocol.Encoding.Json;
using AspireAgent.Protocol.Encoding.MessagePack;
using AspireAgent.Protocol.Encoding.Protobuf;

namespace AspireAgent.Protocol.Encoding;

/// <summary>The registry of codecs, by encoding and by subprotocol token.</summary>
public static class MessageCodecs
{
    public const string JsonSubProtocol = "aspireagent.v1.json";
    public const string MessagePackSubProtocol = "aspireagent.v1.msgpack";
    public const string ProtobufSubProtocol = "aspireagent.v1.protobuf";

    public static IMessageCodec Json { get; } = new JsonMessageCodec();

    public static IMessageCodec MessagePack { get; } = new MessagePackMessageCodec();

    public static IMessageCodec Protobuf { get; } = new ProtobufMessageCodec();

    /// <summary>In server preference order: the most compact first.</summary>
    public static IReadOnlyList<IMessageCodec> All { get; } = [Protobuf, MessagePack, Json];

    public static IMessageCodec Get(WireEncoding encoding) => encoding switch
    {
        WireEncoding.Json => Json,
        WireEncoding.MessagePack => MessagePack,
        WireEncoding.Protobuf => Protobuf,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };

    public static bool TryGetBySubProtocol(string subProtocol, [NotNullWhen(true)] out IMessageCodec? codec)
    {
        codec = All.FirstOrDefault(c => string.Equals(c.SubProtocol, subProtocol, StringComparison.OrdinalIgnoreCase));
        return codec is not null;
    }
}
