namespace AspireAgent.Bus.Turns;

/// <summary>What a gateway knows of a turn it is asked to begin: a <c>user.message</c> of an identity.</summary>
public sealed record TurnStart
{
    /// <summary>Chosen by the gateway before admission, so that traces and the quota can name the answer.</summary>
    public required string StreamId { get; init; }

    public required string ConversationId { get; init; }

    public required string OwnerId { get; init; }

    public required string UserMessageId { get; init; }

    public required string Content { get; init; }

    /// <summary>W3C trace context of the gateway span, handed on in the request.</summary>
    public string? TraceParent { get; init; }
}
