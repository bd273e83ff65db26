using System.Globalization;
using System.Text;

namespace AspireAgent.Web.Client.Ops;

/// <summary>
/// Where things go in a chart's SVG: the axes' ranges and ticks, and each series as polylines. Pure arithmetic,
/// no rendering, so that a chart's shape can be reasoned about (and tested) without a browser.
/// </summary>
public sealed class ChartGeometry
{
    public const double Width = 480;
    public const double Height = 196;
    public const double Left = 66;
    public const double Right = 12;
    public const double Top = 12;
    public const double Bottom = 24;
    public const double PlotWidth = Width - Left - Right;
    public const double PlotHeight = Height - Top - Bottom;

    /// <summary>The narrowest time axis: a host that just started shows its first minute, not a few seconds stretched wide.</summary>
    public const double MinimumSpanSeconds = 30;

    private static readonly int[] TickSpacingsSeconds = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];

    private readonly long _startMs;
    private readonly long _endMs;
    private readonly ChartScale _scale;
    private readonly double _low;
    private readonly double _high;

    private ChartGeometry(long startMs, long endMs, ChartScale scale, double low, double high, IReadOnlyList<double> yTicks, IReadOnlyList<(double X, string Label)> xTicks)
    {
        _startMs = startMs;
        _endMs = endMs;
        _scale = scale;
        _low = low;
        _high = high;
        YTicks = yTicks;
        XTicks = xTicks;
    }

    /// <summary>Values at which a grid line and a label are drawn.</summary>
    public IReadOnlyList<double> YTicks { get; }

    /// <summary>Positions and local clock labels along the time axis.</summary>
    public IReadOnlyList<(double X, string Label)> XTicks { get; }

    /// <param name="endMs">The right edge (Unix ms).</param>
    /// <param name="windowSeconds">The widest span; less while the data is younger than that (see <see cref="MinimumSpanSeconds"/>).</param>
    /// <param name="oldestMs">The first point's time, if any: the left edge need not go further back than it.</param>
    /// <param name="values">Every value to be drawn, so the axis fits them.</param>
    /// <param name="thresholds">Reference lines that must stay in view.</param>
    /// <param name="logFloor">On a log axis, the smallest value shown; anything below sits on the floor.</param>
    /// <param name="minimumTop">On a linear axis, the least top, so that an idle series is a line at the bottom rather than a full-height zoom on noise.</param>
    public static ChartGeometry Create(
        long endMs, double windowSeconds, long? oldestMs, IEnumerable<double> values, IEnumerable<double> thresholds,
        ChartScale scale, bool integers, double logFloor = 0.001, double minimumTop = 1)
    {
        // A fresh host has seconds of data in a five-minute window: squeezed against the right edge, the lines
        // would be unreadable. The axis starts at the oldest point instead, until the data fills the window.
        var windowStart = endMs - (long)(windowSeconds * 1000);
        var startMs = oldestMs is { } oldest
            ? Math.Clamp(oldest, windowStart, endMs - (long)(Math.Min(MinimumSpanSeconds, windowSeconds) * 1000))
            : windowStart;
        windowSeconds = (endMs - startMs) / 1000.0;
        var top = values.Concat(thresholds).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var xTicks = TimeTicks(startMs, endMs, windowSeconds);
        if (scale == ChartScale.Log)
        {
            var low = Math.Log10(logFloor);
            var high = Math.Ceiling(Math.Log10(Math.Max(top * 1.5, logFloor * 10)) * 2) / 2; // half decades: less wasted height
            var ticks = new List<double>();
            for (var decade = Math.Ceiling(low); decade <= high; decade++)
            {
                ticks.Add(Math.Pow(10, decade));
            }

            return new ChartGeometry(startMs, endMs, scale, low, high, ticks, xTicks);
        }

        var step = NiceStep(Math.Max(top * 1.1, minimumTop) / 5); // four to six ticks
        if (integers)
        {
            step = Math.Max(1, Math.Ceiling(step));
        }

        var max = Math.Max(step, Math.Ceiling(Math.Max(top * 1.1, minimumTop) / step) * step);
        var linearTicks = new List<double>();
        for (var tick = 0.0; tick <= max + (step / 2); tick += step)
        {
            linearTicks.Add(tick);
        }

        return new ChartGeometry(startMs, endMs, scale, 0, max, linearTicks, xTicks);
    }

    public double X(long timestampMs) => Left + ((timestampMs - _startMs) / (double)(_endMs - _startMs) * PlotWidth);

    /// <summary>The height of a value, clamped to the plot (a log axis cannot show zero: it sits on the floor).</summary>
    public double Y(double value)
    {
        var scaled = _scale == ChartScale.Log ? Math.Log10(Math.Max(value, Math.Pow(10, _low))) : value;
        var fraction = Math.Clamp((scaled - _low) / (_high - _low), 0, 1);
        return Top + PlotHeight - (fraction * PlotHeight);
    }

    /// <summary>
    /// The series as runs of consecutive values (a null breaks the line: no data is not zero) in SVG
    /// <c>points</c> syntax, and the values that stand alone, to be drawn as dots. Points before the left edge are left out.
    /// </summary>
    public (IReadOnlyList<string> Lines, IReadOnlyList<(double X, double Y)> Dots) Trace(long[] timestamps, double?[] values)
    {
        var lines = new List<string>();
        var dots = new List<(double, double)>();
        var run = new List<(double X, double Y)>();
        for (var i = 0; i <= Math.Min(timestamps.Length, values.Length); i++)
        {
            var point = i < timestamps.Length && i < values.Length && timestamps[i] >= _startMs && values[i] is { } v && double.IsFinite(v)
                ? (X(timestamps[i]), Y(v))
                : ((double, double)?)null;
            if (point is { } p)
            {
                run.Add(p);
                continue;
            }

            if (run.Count == 1)
            {
                dots.Add(run[0]);
            }
            else if (run.Count > 1)
            {
                lines.Add(Points(run));
            }

            run.Clear();
        }

        return (lines, dots);
    }

    /// <summary>A closed outline under a line, down to the axis, for a soft fill.</summary>
    public static string Area(string line)
    {
        var first = line[..line.IndexOf(' ', StringComparison.Ordinal)].Split(',')[0];
        var last = line[(line.LastIndexOf(' ') + 1)..].Split(',')[0];
        var bottom = Num(Top + PlotHeight);
        return $"{first},{bottom} {line} {last},{bottom}";
    }

    public static string Num(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    internal static double NiceStep(double rough)
    {
        if (rough <= 0 || !double.IsFinite(rough))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / magnitude;
        var nice = fraction switch
        {
            <= 1 => 1,
            <= 2 => 2,
            <= 2.5 => 2.5,
            <= 5 => 5,
            _ => 10,
        };
        return nice * magnitude;
    }

    private static string Points(List<(double X, double Y)> run)
    {
        var text = new StringBuilder(run.Count * 12);
        foreach (var (x, y) in run)
        {
            text.Append(Num(x)).Append(',').Append(Num(y)).Append(' ');
        }

        return text.ToString(0, text.Length - 1);
    }

    // Whole multiples of a round spacing, about five across the window, labelled in the viewer's time zone.
    private static List<(double X, string Label)> TimeTicks(long startMs, long endMs, double windowSeconds)
    {
        var spacing = TickSpacingsSeconds.FirstOrDefault(s => windowSeconds / s <= 6, TickSpacingsSeconds[^1]) * 1000L;
        var format = spacing >= 60_000 ? "HH:mm" : "HH:mm:ss";
        var ticks = new List<(double, string)>();
        for (var t = ((startMs / spacing) + 1) * spacing; t <= endMs; t += spacing)
        {
            var x = Left + ((t - startMs) / (double)(endMs - startMs) * PlotWidth);
            ticks.Add((x, DateTimeOffset.FromUnixTimeMilliseconds(t).ToLocalTime().ToString(format, CultureInfo.InvariantCulture)));
        }

        return ticks;
    }
}
