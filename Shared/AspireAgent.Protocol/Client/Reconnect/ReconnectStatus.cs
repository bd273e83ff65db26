namespace AspireAgent.Protocol.Client;

/// <summary>Where a reconnect stands, for a UI that says "Reconnecting in 4 s (attempt 3)".</summary>
/// <param name="Attempt">The attempt waited for or under way, from 1.</param>
/// <param name="MaxAttempts">The attempt after which the client gives up.</param>
/// <param name="NextAttemptAt">When the attempt starts, on the client's clock; null once it is under way.</param>
/// <param name="Reason">Why the connection was lost, or why the previous attempt failed.</param>
public sealed record ReconnectStatus(int Attempt, int MaxAttempts, DateTimeOffset? NextAttemptAt, string Reason)
{
    /// <summary>The time left until the attempt at <paramref name="now"/>; zero once it is due or under way.</summary>
    public TimeSpan RemainingAt(DateTimeOffset now) =>
        NextAttemptAt is { } at && at > now ? at - now : TimeSpan.Zero;
}
