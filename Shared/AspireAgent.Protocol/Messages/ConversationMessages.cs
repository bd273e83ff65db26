using System.Text.Json.Serialization;

namespace AspireAgent.Protocol;

/// <summary>
/// Server → client, the answer to control <c>conversations.list</c>: the identity's conversations, most
/// recently active first. Only the caller's own conversations are ever listed.
/// </summary>
public sealed record ConversationList : AgentMessage
{
    /// <summary>The id of the <c>conversations.list</c> request.</summary>
    [JsonPropertyName("replyTo")]
    public required string ReplyTo { get; init; }

    [JsonPropertyName("conversations")]
    public required IReadOnlyList<ConversationSummary> Conversations { get; init; }

    [JsonIgnore]
    public override string Type => MessageTypes.ConversationList;

    // Bulk data for a sidebar: it must never hold up an answer's chunks.
    [JsonIgnore]
    public override MessagePriority Priority => MessagePriority.Low;

    public bool Equals(ConversationList? other) =>
        other is not null && base.Equals(other) && ReplyTo == other.ReplyTo && Conversations.SequenceEqual(other.Conversations);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), ReplyTo, Conversations.Count);
}

/// <summary>One conversation as a list shows it.</summary>
public sealed record ConversationSummary
{
    [JsonPropertyName("conversationId")]
    public required string ConversationId { get; init; }

    /// <summary>The start of the first user message.</summary>
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    /// <summary>Unix milliseconds of the last turn (or of the claim, before any).</summary>
    [JsonPropertyName("lastActivity")]
    public long LastActivity { get; init; }

    /// <summary>The answer streaming right now, if any: resume it with control <c>resume</c>.</summary>
    [JsonPropertyName("activeStreamId")]
    public string? ActiveStreamId { get; init; }
}

/// <summary>
/// Server → client, the answer to control <c>conversation.get</c>: the turns the server keeps (the last
/// <c>MaxHistoryTurns</c>), oldest first, and the answer in progress, which the client resumes to see it.
/// </summary>
public sealed record ConversationHistory : AgentMessage
{
    /// <summary>The id of the <c>conversation.get</c> request.</summary>
    [JsonPropertyName("replyTo")]
    public required string ReplyTo { get; init; }

    [JsonPropertyName("conversationId")]
    public required string ConversationId { get; init; }

    [JsonPropertyName("turns")]
    public required IReadOnlyList<ConversationTurn> Turns { get; init; }

    /// <summary>The answer streaming right now, if any; its text is not in <see cref="Turns"/> until it ends.</summary>
    [JsonPropertyName("activeStreamId")]
    public string? ActiveStreamId { get; init; }

    [JsonIgnore]
    public override string Type => MessageTypes.ConversationHistory;

    [JsonIgnore]
    public override MessagePriority Priority => MessagePriority.Low;

    public bool Equals(ConversationHistory? other) =>
        other is not null && base.Equals(other) && ReplyTo == other.ReplyTo && ConversationId == other.ConversationId
        && ActiveStreamId == other.ActiveStreamId && Turns.SequenceEqual(other.Turns);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), ReplyTo, ConversationId, Turns.Count);
}

/// <summary>One kept turn: who said it, the text, and the stream that carried (or answers) it.</summary>
public sealed record ConversationTurn
{
    /// <summary><see cref="TurnRoles.User"/> or <see cref="TurnRoles.Assistant"/>.</summary>
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    [JsonPropertyName("content")]
    public required string Content { get; init; }

    /// <summary>For an assistant turn the stream that carried it; for a user turn the stream answering it.</summary>
    [JsonPropertyName("streamId")]
    public string? StreamId { get; init; }
}

/// <summary>The values of <see cref="ConversationTurn.Role"/>.</summary>
public static class TurnRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
}
