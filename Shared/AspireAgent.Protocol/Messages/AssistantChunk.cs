using System.Text.Json.Serialization;

namespace AspireAgent.Protocol;

/// <summary>
/// A batch of generated text. <see cref="Seq"/> starts at 0 and is contiguous per stream, so a client can
/// detect gaps and duplicates and resume from the last one it rendered.
/// </summary>
public sealed record AssistantChunk : AgentMessage
{
    [JsonPropertyName("streamId")]
    public required string StreamId { get; init; }

    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    [JsonPropertyName("delta")]
    public required string Delta { get; init; }

    [JsonIgnore]
    public override string Type => MessageTypes.AssistantChunk;
}
