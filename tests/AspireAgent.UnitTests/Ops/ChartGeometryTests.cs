using AspireAgent.Web.Client.Ops;

namespace AspireAgent.UnitTests.Ops;

/// <summary>The charts' arithmetic: lines break at missing values, axes fit the data and the thresholds.</summary>
public sealed class ChartGeometryTests
{
    private const long End = 1_800_000_000_000;

    [Fact]
    public void A_null_breaks_the_line_and_a_lone_value_is_a_dot()
    {
        long[] times = [.. Enumerable.Range(0, 7).Select(i => End - ((6 - i) * 1000L))];
        double?[] values = [1, 2, null, 3, null, 4, 5];
        var geometry = ChartGeometry.Create(End, 300, times[0], values.OfType<double>(), [], ChartScale.Linear, integers: false);

        var (lines, dots) = geometry.Trace(times, values);

        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.Equal(2, line.Split(' ').Length));
        var dot = Assert.Single(dots);
        Assert.Equal(geometry.Y(3), dot.Y);
        Assert.Equal(ChartGeometry.Left + ChartGeometry.PlotWidth, geometry.X(End));
    }

    [Fact]
    public void A_young_series_fills_the_width_instead_of_hugging_the_right_edge()
    {
        var oldest = End - 45_000;
        var geometry = ChartGeometry.Create(End, 300, oldest, [1], [], ChartScale.Linear, integers: true);

        Assert.Equal(ChartGeometry.Left, geometry.X(oldest));
    }

    [Fact]
    public void The_first_seconds_still_span_the_minimum_width()
    {
        var geometry = ChartGeometry.Create(End, 300, End - 2_000, [1], [], ChartScale.Linear, integers: true);

        Assert.Equal(ChartGeometry.Left, geometry.X(End - (long)(ChartGeometry.MinimumSpanSeconds * 1000)));
    }

    [Fact]
    public void A_linear_axis_starts_at_zero_and_ends_on_a_round_tick_above_the_data()
    {
        var geometry = ChartGeometry.Create(End, 300, null, [0, 37, 12], [], ChartScale.Linear, integers: false);

        Assert.Equal(0, geometry.YTicks[0]);
        Assert.True(geometry.YTicks[^1] >= 37 * 1.1);
        Assert.Equal([0, 10, 20, 30, 40, 50], geometry.YTicks);
    }

    [Fact]
    public void Counts_get_whole_ticks()
    {
        var geometry = ChartGeometry.Create(End, 300, null, [1], [], ChartScale.Linear, integers: true);

        Assert.Equal([0, 1, 2], geometry.YTicks);
    }

    [Fact]
    public void A_log_axis_shows_millisecond_latencies_and_the_one_second_threshold_together()
    {
        var geometry = ChartGeometry.Create(End, 300, null, [0.002, 0.004], [0.5, 1], ChartScale.Log, integers: false);

        Assert.Equal([0.001, 0.01, 0.1, 1], geometry.YTicks);
        Assert.InRange(geometry.Y(1), ChartGeometry.Top, ChartGeometry.Top + (ChartGeometry.PlotHeight / 3));
        Assert.Equal(ChartGeometry.Top + ChartGeometry.PlotHeight, geometry.Y(0)); // zero sits on the floor
    }
}
