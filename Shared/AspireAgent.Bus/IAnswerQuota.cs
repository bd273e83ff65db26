namespace AspireAgent.Bus;

/// <summary>
/// The answers each identity has in flight or queued, counted on the bus so that a per-identity limit holds
/// across every gateway node sharing it. An answer is counted from admission until its turn completes; an
/// entry whose answer was lost with its process expires after <see cref="BusOptions.AnswerQuotaLifetime"/>.
/// </summary>
public interface IAnswerQuota
{
    /// <summary>
    /// Counts <paramref name="streamId"/> against <paramref name="ownerId"/> unless the owner already has
    /// <paramref name="limit"/> answers counted; false then, and nothing was counted.
    /// </summary>
    ValueTask<bool> TryTakeAsync(string ownerId, string streamId, int limit, CancellationToken cancellationToken);

    /// <summary>Stops counting the answer; doing it twice, or for an answer never counted, is harmless.</summary>
    ValueTask ReleaseAsync(string ownerId, string streamId, CancellationToken cancellationToken);
}
