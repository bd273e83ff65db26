using System.Text.Json.Serialization;

namespace AspireAgent.Protocol;

/// <summary>Closes an answer stream. <see cref="FullContent"/> equals the concatenation of every chunk's delta.</summary>
public sealed record AssistantEnd : AgentMessage
{
    [JsonPropertyName("streamId")]
    public required string StreamId { get; init; }

    [JsonPropertyName("fullContent")]
    public required string FullContent { get; init; }

    [JsonPropertyName("usage")]
    public required Usage Usage { get; init; }

    [JsonPropertyName("finishReason")]
    public required FinishReason FinishReason { get; init; }

    /// <summary>The number of chunks the stream carried; the last chunk's seq is <c>ChunkCount - 1</c>.</summary>
    [JsonPropertyName("chunkCount")]
    public long ChunkCount { get; init; }

    [JsonIgnore]
    public override string Type => MessageTypes.AssistantEnd;
}

/// <summary>Token accounting and timings of one answer.</summary>
public sealed record Usage
{
    [JsonPropertyName("promptTokens")]
    public int PromptTokens { get; init; }

    [JsonPropertyName("completionTokens")]
    public int CompletionTokens { get; init; }

    [JsonPropertyName("timeToFirstTokenMs")]
    public long TimeToFirstTokenMs { get; init; }

    [JsonPropertyName("durationMs")]
    public long DurationMs { get; init; }
}

/// <summary>Why an answer ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FinishReason>))]
public enum FinishReason
{
    [JsonStringEnumMemberName("stop")]
    Stop = 0,

    [JsonStringEnumMemberName("interrupted")]
    Interrupted = 1,

    [JsonStringEnumMemberName("length")]
    Length = 2,

    [JsonStringEnumMemberName("error")]
    Error = 3,
}
