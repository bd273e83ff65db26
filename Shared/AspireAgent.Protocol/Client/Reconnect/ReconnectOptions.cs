namespace AspireAgent.Protocol.Client;

/// <summary>
/// How <see cref="AgentClient"/> comes back after losing its connection; see <see cref="Backoff"/> for the rule
/// the delays follow and <see cref="CloseCodePolicy"/> for which losses call for a reconnect at all.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>Whether a lost connection is reopened automatically. Off: every loss ends as Failed (or Closed).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts in a row before the client gives up and fails; a successful handshake starts the count over.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The nominal delay before attempt 1; each further attempt doubles it.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The ceiling of the nominal delay (the drawn delay may exceed it by <see cref="Jitter"/>).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The relative spread J of every delay: drawn uniformly in [d·(1−J), d·(1+J)) around the nominal d, so that
    /// clients cut at the same instant do not come back at the same instant. 0 ≤ J ≤ 1.
    /// </summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>
    /// After "going away" (1001) the first attempt is made at once, yet still spread uniformly over
    /// [0, ImmediateJitter): a node that shuts down sends 1001 to all its clients in the same instant.
    /// </summary>
    public TimeSpan ImmediateJitter { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDelay, TimeSpan.Zero, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, InitialDelay, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ImmediateJitter, TimeSpan.Zero, nameof(ImmediateJitter));
        if (double.IsNaN(Jitter) || Jitter is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "Jitter must be between 0 and 1.");
        }
    }
}
