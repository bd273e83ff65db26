using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace AspireAgent.Bus.Hosting;

/// <summary>
/// Bounds of a <see cref="TimeSpan"/> option, parsed once when the attribute is built.
/// </summary>
/// <remarks>
/// Used instead of <c>[Range(typeof(TimeSpan), …)]</c>: <see cref="RangeAttribute"/> converts its bounds lazily on
/// first use without synchronization, and the attribute instances are cached per property for the whole process,
/// so two hosts validating the same options type at once (tests start many in one process) can see one half
/// converted and fail start with an InvalidCastException.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    /// <summary>Like <see cref="RangeAttribute"/>, an absent value is for <c>[Required]</c> to judge.</summary>
    public override bool IsValid(object? value) => value is not TimeSpan span || (span >= Minimum && span <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, "The field {0} must be between {1} and {2}.", name, Minimum, Maximum);
}
