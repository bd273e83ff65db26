namespace AspireAgent.Protocol.Encoding;

/// <summary>The frame is not valid in the negotiated encoding; the server closes with 1007.</summary>
public sealed class MalformedFrameException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The frame is well formed but its type is unknown; the server answers with an error frame.</summary>
public sealed class UnknownMessageTypeException(string type) : Exception($"Unknown message type '{type}'.")
{
    public string MessageType { get; } = type;
}
