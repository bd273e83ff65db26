using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Web.Ops;

/// <summary>The ops view's settings, bound from the <c>Ops</c> section and checked on start.</summary>
public sealed class OpsOptions : IValidatableObject
{
    public const string SectionName = "Ops";

    /// <summary>The most points one series may hold: the bound on the in-process buffer and on a Prometheus query.</summary>
    public const int MaxPoints = 3600;

    /// <summary>
    /// A Prometheus that scrapes every node (for example <c>http://prometheus:9090</c>). Set, the ops view queries
    /// it; unset, the host samples its own meters when it runs the backend in-process.
    /// </summary>
    public string? PrometheusUrl { get; set; }

    /// <summary>How often the in-process sampler takes a point; the query step against Prometheus.</summary>
    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How far back the charts go.</summary>
    [TimeSpanRange("00:00:10", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The trailing window of the series that one interval is too short for: time to first token (recorded once
    /// per answer) and the interrupt and error counts; and the range of PromQL's <c>rate()</c>.
    /// </summary>
    [TimeSpanRange("00:00:05", "01:00:00")]
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Points per series: the window divided by the interval.</summary>
    public int Points => (int)Math.Ceiling(Window / Interval);

    /// <summary>Intervals in the trailing rate window.</summary>
    public int RateWindowIntervals => Math.Max(1, (int)Math.Ceiling(RateWindow / Interval));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(PrometheusUrl)
            && (!Uri.TryCreate(PrometheusUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult(
                $"Ops:PrometheusUrl must be an absolute http(s):// URL, not '{PrometheusUrl}'.", [nameof(PrometheusUrl)]);
        }

        if (Interval > TimeSpan.Zero && Window / Interval > MaxPoints)
        {
            yield return new ValidationResult(
                $"Ops:Window / Ops:Interval must be at most {MaxPoints} points, not {Window / Interval:0}.", [nameof(Window), nameof(Interval)]);
        }

        if (RateWindow < Interval)
        {
            yield return new ValidationResult("Ops:RateWindow must be at least Ops:Interval.", [nameof(RateWindow)]);
        }
    }
}
