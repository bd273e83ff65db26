using System.Globalization;

namespace AspireAgent.Web.Client.Ops;

/// <summary>What a chart's numbers are, and how a person reads them.</summary>
public enum ValueUnit
{
    /// <summary>A count: connections, requests, answers.</summary>
    Count,

    /// <summary>Events per second.</summary>
    PerSecond,

    /// <summary>A duration given in seconds, shown in ms below one second.</summary>
    Seconds,
}

public static class ValueFormat
{
    public static string Format(double? value, ValueUnit unit) => value switch
    {
        null => "—",
        { } v => unit switch
        {
            ValueUnit.Seconds => Duration(v),
            ValueUnit.PerSecond => Number(v) + "/s",
            _ => Number(v),
        },
    };

    /// <summary>Shorter, for axis ticks.</summary>
    public static string Tick(double value, ValueUnit unit) => unit == ValueUnit.Seconds ? Duration(value) : Number(value);

    private static string Duration(double seconds) => seconds switch
    {
        >= 1 => seconds.ToString("0.##", CultureInfo.InvariantCulture) + " s",
        >= 0.01 => (seconds * 1000).ToString("0", CultureInfo.InvariantCulture) + " ms",
        _ => (seconds * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms",
    };

    private static string Number(double value) => Math.Abs(value) switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (value / 1_000).ToString("0", CultureInfo.InvariantCulture) + "k",
        >= 1_000 => (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 10 or 0 => value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
