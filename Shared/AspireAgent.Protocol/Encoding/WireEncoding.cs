namespace AspireAgent.Protocol.Encoding;

/// <summary>The encodings of protocol v1, negotiated with <c>Sec-WebSocket-Protocol</c>.</summary>
public enum WireEncoding
{
    Json,
    MessagePack,
    Protobuf,
}
