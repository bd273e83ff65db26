using System.Text.Json.Serialization;

namespace AspireAgent.Protocol;

/// <summary>Opens an answer stream: every later chunk and the end name this <see cref="StreamId"/>.</summary>
public sealed record AssistantStart : AgentMessage
{
    [JsonPropertyName("conversationId")]
    public required string ConversationId { get; init; }

    [JsonPropertyName("streamId")]
    public required string StreamId { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>True when the answer comes from the deterministic simulated model, not a real LLM.</summary>
    [JsonPropertyName("simulated")]
    public bool Simulated { get; init; }

    /// <summary>The id of the <see cref="UserMessage"/> this stream answers.</summary>
    [JsonPropertyName("replyTo")]
    public string? ReplyTo { get; init; }

    [JsonIgnore]
    public override string Type => MessageTypes.AssistantStart;
}
