using System.Text.Json.Serialization;

namespace AspireAgent.Protocol;

/// <summary>
/// A failure the connection survives. <see cref="Code"/> is one of <see cref="ErrorCodes"/>;
/// <see cref="Retryable"/> says whether sending the same request again can succeed.
/// </summary>
public sealed record ErrorMessage : AgentMessage
{
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("retryable")]
    public bool Retryable { get; init; }

    /// <summary>The id of the message that caused the error, when there is one.</summary>
    [JsonPropertyName("replyTo")]
    public string? ReplyTo { get; init; }

    /// <summary>The stream the error is about, when there is one.</summary>
    [JsonPropertyName("streamId")]
    public string? StreamId { get; init; }

    /// <summary>
    /// For a retryable refusal caused by a limit (<c>rate_limited</c>, <c>quota_exceeded</c>): how long to wait
    /// before sending again, in milliseconds.
    /// </summary>
    [JsonPropertyName("retryAfterMs")]
    public long? RetryAfterMs { get; init; }

    [JsonIgnore]
    public override string Type => MessageTypes.Error;

    [JsonIgnore]
    public override MessagePriority Priority => MessagePriority.Critical;
}
