using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Socket.Quotas;

/// <summary>
/// What one identity may ask of the service, bound from <c>Gateway:Quotas</c>. Every refusal is decided
/// before anything is queued, and answered with a retryable error carrying <c>retryAfterMs</c>.
/// </summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Gateway:Quotas";

    /// <summary>
    /// Answers one identity may have in flight and queued, counted on the bus (so across every gateway node);
    /// past it, <c>user.message</c> gets <c>quota_exceeded</c>. It also bounds the identity's share of the
    /// request queue, which is what keeps one identity's backlog from delaying another's first token.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxAnswersPerIdentity { get; set; } = 8;

    /// <summary><c>user.message</c>s an identity may send at once (the token bucket's size), per gateway node.</summary>
    [Range(1, 100_000)]
    public int MessageBurst { get; set; } = 20;

    /// <summary>
    /// One more <c>user.message</c> is allowed per interval once the burst is spent (2 per second by default);
    /// past it, <c>rate_limited</c>.
    /// </summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan MessageRefillInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The <c>retryAfterMs</c> hint of a <c>quota_exceeded</c>: about how long an answer takes to end.</summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan QuotaRetryAfter { get; set; } = TimeSpan.FromSeconds(2);
}
