using AspireAgent.Web.Ops;
using AspireAgent.Web.Ops.InProcess;
using Microsoft.Extensions.Options;

namespace AspireAgent.UnitTests.Ops;

public sealed class RingBufferTests
{
    [Fact]
    public void Keeps_items_oldest_first_until_full()
    {
        var buffer = new RingBuffer<int>(4);
        Assert.Empty(buffer.ToArray());

        buffer.Add(1);
        buffer.Add(2);

        Assert.Equal([1, 2], buffer.ToArray());
        Assert.Equal(2, buffer.Count);
    }

    [Fact]
    public void Past_its_capacity_drops_the_oldest_and_never_grows()
    {
        var buffer = new RingBuffer<int>(3);
        for (var i = 1; i <= 1000; i++)
        {
            buffer.Add(i);
        }

        Assert.Equal(3, buffer.Count);
        Assert.Equal([998, 999, 1000], buffer.ToArray());
    }

    [Fact]
    public void The_sample_history_holds_one_window_of_points()
    {
        var history = new OpsSampleHistory(Options.Create(new OpsOptions { Window = TimeSpan.FromMinutes(5), Interval = TimeSpan.FromSeconds(1) }));

        Assert.Equal(300, history.Capacity);
    }

    [Fact]
    public void A_reservoir_keeps_at_most_its_capacity_and_counts_everything_offered()
    {
        var reservoir = new Reservoir(100);
        for (var i = 0; i < 10_000; i++)
        {
            reservoir.Add(i);
        }

        Assert.Equal(100, reservoir.Values.Length);
        Assert.Equal(10_000, reservoir.Seen);
        Assert.All(reservoir.Values.ToArray(), v => Assert.InRange(v, 0, 9_999));
    }

    [Theory]
    [InlineData(0.50, 50)]
    [InlineData(0.99, 99)]
    [InlineData(1.00, 100)]
    [InlineData(0.001, 1)]
    public void Percentiles_are_nearest_rank(double quantile, double expected)
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList();

        Assert.Equal(expected, Reservoir.Percentile(values, quantile));
    }

    [Fact]
    public void No_values_have_no_percentile() => Assert.Null(Reservoir.Percentile([], 0.5));
}
