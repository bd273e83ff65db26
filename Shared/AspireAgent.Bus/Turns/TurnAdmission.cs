namespace AspireAgent.Bus.Turns;

/// <summary>How <see cref="TurnLifecycle.BeginAsync"/> ended: started, or refused with nothing queued.</summary>
public sealed record TurnAdmission
{
    private TurnAdmission(TurnOutcome outcome, ChatRequest? request = null, string? reason = null)
    {
        Outcome = outcome;
        Request = request;
        Reason = reason;
    }

    public static TurnAdmission QuotaExceeded { get; } = new(TurnOutcome.QuotaExceeded);

    public static TurnAdmission Busy { get; } = new(TurnOutcome.Busy);

    public TurnOutcome Outcome { get; }

    /// <summary>The submitted request, when <see cref="Outcome"/> is <see cref="TurnOutcome.Started"/>.</summary>
    public ChatRequest? Request { get; }

    /// <summary>Why the queue refused, when <see cref="Outcome"/> is <see cref="TurnOutcome.Overloaded"/>.</summary>
    public string? Reason { get; }

    public static TurnAdmission Started(ChatRequest request) => new(TurnOutcome.Started, request);

    public static TurnAdmission Overloaded(string reason) => new(TurnOutcome.Overloaded, reason: reason);
}

public enum TurnOutcome
{
    /// <summary>Submitted: a worker will answer it.</summary>
    Started,

    /// <summary>The owner already has as many answers in flight and queued as it may.</summary>
    QuotaExceeded,

    /// <summary>The conversation already has an answer in progress.</summary>
    Busy,

    /// <summary>The request queue is full.</summary>
    Overloaded,
}
