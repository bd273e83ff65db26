namespace AspireAgent.Protocol.Client;

internal static class ClockExtensions
{
    /// <summary>
    /// Waits until the instant <paramref name="at"/> on <paramref name="time"/>. Deadlines are absolute, so a
    /// test clock advanced before the wait began still releases it, and a late wake-up does not shift later ones.
    /// </summary>
    public static Task WaitUntilAsync(this TimeProvider time, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (at == DateTimeOffset.MaxValue)
        {
            return Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var wait = at - time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }
}
