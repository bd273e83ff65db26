namespace AspireAgent.Protocol.Client;

/// <summary>
/// The reconnect schedule: exponential backoff with a cap and symmetric jitter.
/// </summary>
/// <remarks>
/// <para>
/// Attempt k (1, 2, 3 …) has the nominal delay d(k) = min(InitialDelay · 2^(k−1), MaxDelay): 1 s, 2 s, 4 s, 8 s,
/// 16 s, 30 s, 30 s … by default. The delay actually waited is drawn uniformly in [d·(1−J), d·(1+J)) with
/// J = <see cref="ReconnectOptions.Jitter"/> (0.2): 0.8–1.2 s, 1.6–2.4 s, 3.2–4.8 s …, at most MaxDelay·(1+J).
/// </para>
/// <para>
/// Why symmetric jitter rather than "full jitter" (uniform in [0, d)): the first retry after a network blip
/// still waits about a second instead of possibly none, the user sees a countdown that matches the documented
/// schedule, and the spread still grows with the delay — a thousand clients cut together return over a
/// window 0.4 s wide at attempt 1 and 0.8 s wide at attempt 2, rather than in one instant. Clients that got
/// "going away" (1001) are the exception: the server is fine, so attempt 1 waits only a draw in
/// [0, ImmediateJitter) and later attempts follow the regular schedule.
/// </para>
/// </remarks>
public static class Backoff
{
    /// <summary>d(k): the nominal delay of attempt <paramref name="attempt"/>, before jitter.</summary>
    public static TimeSpan Nominal(ReconnectOptions options, int attempt)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);

        // Past 2^40 the product would only overflow; the cap is long reached by then.
        var factor = Math.Pow(2, Math.Min(attempt - 1, 40));
        var ticks = Math.Min(options.InitialDelay.Ticks * factor, options.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay to wait before attempt <paramref name="attempt"/>: the nominal one, jittered.</summary>
    public static TimeSpan Delay(ReconnectOptions options, int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var nominal = Nominal(options, attempt);
        var spread = 1 + options.Jitter * (2 * random.NextDouble() - 1);
        return TimeSpan.FromTicks((long)(nominal.Ticks * spread));
    }

    /// <summary>The delay before an immediate attempt: uniform in [0, ImmediateJitter).</summary>
    public static TimeSpan Immediate(ReconnectOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        return TimeSpan.FromTicks((long)(options.ImmediateJitter.Ticks * random.NextDouble()));
    }
}
