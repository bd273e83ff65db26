namespace AspireAgent.Protocol;

/// <summary>The closed set of <see cref="ErrorMessage.Code"/> values of protocol v1 (see docs/protocol.md).</summary>
public static class ErrorCodes
{
    /// <summary>The frame decoded, but its <c>type</c> is not one protocol v1 knows.</summary>
    public const string UnknownType = "unknown_type";

    /// <summary>A known message the server does not accept from a client (for example <c>assistant.chunk</c>).</summary>
    public const string UnexpectedType = "unexpected_type";

    /// <summary>A control action v1 reserves but this server does not serve.</summary>
    public const string UnsupportedAction = "unsupported_action";

    /// <summary>A field is missing, empty or out of range.</summary>
    public const string InvalidMessage = "invalid_message";

    /// <summary>The conversation or stream belongs to another identity. Never followed by data.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The conversation already has an answer streaming; send again after its end.</summary>
    public const string ConversationBusy = "conversation_busy";

    /// <summary>The stream does not exist (never did, or its retention expired).</summary>
    public const string StreamNotFound = "stream_not_found";

    /// <summary>The conversation does not exist (never did, was deleted, or its retention expired).</summary>
    public const string ConversationNotFound = "conversation_not_found";

    /// <summary>The identity token sent in <c>hello</c> did not verify; a new identity was issued.</summary>
    public const string IdentityRejected = "identity_rejected";

    /// <summary>The model call failed; the stream ends with finish reason <c>error</c>.</summary>
    public const string ModelFailed = "model_failed";

    /// <summary>The worker pool cannot take the request now.</summary>
    public const string Overloaded = "overloaded";

    /// <summary>
    /// The identity sent <c>user.message</c>s faster than its rate limit allows; nothing was queued. Retryable
    /// after <see cref="ErrorMessage.RetryAfterMs"/>.
    /// </summary>
    public const string RateLimited = "rate_limited";

    /// <summary>
    /// The identity (or this connection) already has as many answers in flight and queued as it may; nothing
    /// was queued. Retryable once one of them ends (<see cref="ErrorMessage.RetryAfterMs"/> is a hint).
    /// </summary>
    public const string QuotaExceeded = "quota_exceeded";

    /// <summary>An unexpected server fault.</summary>
    public const string Internal = "internal";
}
