using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Socket.Heartbeat;

/// <summary>Bound from <c>Gateway:Heartbeat</c>.</summary>
public sealed class HeartbeatOptions : IValidatableObject
{
    public const string SectionName = "Gateway:Heartbeat";

    public HeartbeatStrategy Strategy { get; set; } = HeartbeatStrategy.Fixed;

    /// <summary>Whether a client's <c>hello</c> may pick another strategy (payload <c>heartbeat</c>).</summary>
    public bool AllowClientHint { get; set; } = true;

    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The ceiling of the adaptive strategy.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Factor by which the adaptive interval grows after each idle heartbeat.</summary>
    [Range(1.0, 10.0)]
    public double AdaptiveGrowth { get; set; } = 2.0;

    /// <summary>How long a pinged peer has to show a sign of life before it is closed with 4001.</summary>
    [TimeSpanRange("00:00:00.100", "00:10:00")]
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How late a deadline check may run before it is taken as a stall of this process rather than silence of
    /// the peer (see <see cref="StallGrace"/>).
    /// </summary>
    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan StallTolerance { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After a late check, how long the peer's pong gets to be read before the deadline is looked at again.</summary>
    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan StallGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Without an application message for this long, a connection counts as idle.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxInterval < Interval)
        {
            yield return new ValidationResult("MaxInterval must be at least Interval.", [nameof(MaxInterval)]);
        }
    }

    /// <summary>Parses a client hint (<c>fixed</c>, <c>adaptive</c>, <c>on-demand</c>, <c>application</c>).</summary>
    public static bool TryParseHint(string? hint, out HeartbeatStrategy strategy)
    {
        strategy = default;
        return hint switch
        {
            "fixed" => Set(HeartbeatStrategy.Fixed, out strategy),
            "adaptive" => Set(HeartbeatStrategy.Adaptive, out strategy),
            "on-demand" => Set(HeartbeatStrategy.OnDemand, out strategy),
            "application" => Set(HeartbeatStrategy.Application, out strategy),
            _ => false,
        };

        static bool Set(HeartbeatStrategy value, out HeartbeatStrategy target)
        {
            target = value;
            return true;
        }
    }

    public static string ToHint(HeartbeatStrategy strategy) => strategy switch
    {
        HeartbeatStrategy.Fixed => "fixed",
        HeartbeatStrategy.Adaptive => "adaptive",
        HeartbeatStrategy.OnDemand => "on-demand",
        _ => "application",
    };
}
