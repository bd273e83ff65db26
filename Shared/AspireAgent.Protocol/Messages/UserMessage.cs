using System.Text.Json.Serialization;

namespace AspireAgent.Protocol;

/// <summary>A turn typed by the user. The client chooses the conversation id; the first identity to use it owns it.</summary>
/// <remarks>
/// A missing field decodes as empty rather than failing the frame, so the gateway can answer it with the
/// documented <c>invalid_message</c> error instead of closing the connection with 1007.
/// </remarks>
public sealed record UserMessage : AgentMessage
{
    [JsonPropertyName("conversationId")]
    public string ConversationId { get; init; } = string.Empty;

    [JsonPropertyName("content")]
    public string Content { get; init; } = string.Empty;

    [JsonIgnore]
    public override string Type => MessageTypes.UserMessage;

    [JsonIgnore]
    public override MessagePriority Priority => MessagePriority.High;
}
