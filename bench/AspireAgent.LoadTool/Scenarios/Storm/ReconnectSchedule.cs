namespace AspireAgent.LoadTool.Scenarios.Storm;

/// <summary>
/// The documented reconnect rule, mirrored here because the client's own reconnect loop is not in main yet:
/// attempt k waits d(k) = min(1 s · 2^(k−1), 30 s) — 1 s, 2 s, 4 s … — and, with jitter, a draw uniform in
/// [d·(1−J), d·(1+J)) (J = 0.2 in the client under review). Without jitter every client waits exactly d(k).
/// </summary>
internal sealed class ReconnectSchedule(double jitter)
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    public double Jitter { get; } = jitter;

    public TimeSpan Delay(int attempt, Random random)
    {
        var nominal = TimeSpan.FromTicks((long)Math.Min(Initial.Ticks * Math.Pow(2, Math.Min(attempt - 1, 40)), Cap.Ticks));
        return Jitter == 0 ? nominal : nominal * (1 + Jitter * (2 * random.NextDouble() - 1));
    }
}
