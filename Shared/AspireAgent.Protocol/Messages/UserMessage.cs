using System.Text.Json.Serialization;

namespace AspireAgent.Protocol;

/// <summary>A turn typed by the user. The client chooses the conversation id; the first identity to use it owns it.</summary>
public sealed record UserMessage : AgentMessage
{
    [JsonPropertyName("conversationId")]
    public required string ConversationId { get; init; }

    [JsonPropertyName("content")]
    public required string Content { get; init; }

    [JsonIgnore]
    public override string Type => MessageTypes.UserMessage;

    [JsonIgnore]
    public override MessagePriority Priority => MessagePriority.High;
}
