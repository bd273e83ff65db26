namespace AspireAgent.Bus;

/// <summary>
/// One answer to generate: submitted by a gateway, taken by exactly one worker. <see cref="History"/> ends
/// with the user turn being answered, so a worker needs nothing but this record to call the model.
/// </summary>
public sealed record ChatRequest
{
    public required string StreamId { get; init; }

    public required string ConversationId { get; init; }

    public required string OwnerId { get; init; }

    /// <summary>The id of the <c>user.message</c> being answered; echoed in <c>assistant.start</c>.</summary>
    public required string UserMessageId { get; init; }

    public required IReadOnlyList<ChatTurn> History { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>W3C trace context of the gateway span, so the worker's span joins the same trace.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>A turn of a conversation as the model sees it.</summary>
public sealed record ChatTurn(TurnRole Role, string Content)
{
    /// <summary>
    /// Set by the store: for an assistant turn the stream that carried it, for a user turn the stream answering
    /// it — so a client reading the history can tell which answer belongs where, and resume the one in progress.
    /// </summary>
    public string? StreamId { get; init; }
}

public enum TurnRole
{
    User,
    Assistant,
}
