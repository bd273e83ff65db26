using AspireAgent.Bus.Redis;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Bus.Redis;

/// <summary>Which acknowledgements are worth a Redis round trip, on a fake clock.</summary>
public sealed class AcknowledgementCoalescerTests
{
    private static readonly TimeSpan After = TimeSpan.FromMilliseconds(250);

    private readonly FakeTimeProvider _time = new();
    private readonly Dictionary<string, long> _due = new(StringComparer.Ordinal);

    [Fact]
    public void The_first_acknowledgement_of_a_stream_goes_at_once_then_one_per_every_chunks()
    {
        var coalescer = new AcknowledgementCoalescer(every: 16, After, _time);

        coalescer.Add("s", 3);
        Assert.Equal(3, Take(coalescer, timed: false)["s"]);

        foreach (var seq in new long[] { 7, 11, 15, 18 })
        {
            coalescer.Add("s", seq);
            Assert.Empty(Take(coalescer, timed: false));
        }

        coalescer.Add("s", 19);
        Assert.Equal(19, Take(coalescer, timed: false)["s"]);
    }

    [Fact]
    public void A_held_acknowledgement_goes_once_it_waited_the_delay_and_late_ones_change_nothing()
    {
        var coalescer = new AcknowledgementCoalescer(every: 16, After, _time);
        coalescer.Add("s", 0);
        Take(coalescer, timed: false);

        coalescer.Add("s", 5);
        _time.Advance(After / 2);
        coalescer.Add("s", 9);
        coalescer.Add("s", 2); // late and out of order
        Assert.Empty(Take(coalescer, timed: true));

        // The delay counts from the first one held, not the last.
        _time.Advance(After / 2);
        Assert.Equal(9, Take(coalescer, timed: true)["s"]);
        _time.Advance(After);
        Assert.Empty(Take(coalescer, timed: true));
    }

    [Fact]
    public void At_the_end_everything_held_goes_and_quiet_streams_are_forgotten()
    {
        var coalescer = new AcknowledgementCoalescer(every: 16, After, _time);
        coalescer.Add("a", 0);
        coalescer.Add("b", 0);
        Take(coalescer, timed: false);
        coalescer.Add("a", 4);

        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        coalescer.TakeDue(last, timed: false, all: true);
        Assert.Equal(4, Assert.Single(last).Value);

        _time.Advance(TimeSpan.FromMinutes(2));
        Take(coalescer, timed: true);
        Assert.Equal(0, coalescer.Count);
    }

    // A producer waiting for credit has its whole window delivered: the client's acknowledgement of it is due at once.
    [Fact]
    public void An_acknowledgement_a_window_ahead_is_never_held()
    {
        const int window = 64;
        var coalescer = new AcknowledgementCoalescer(every: 16, After, _time);
        coalescer.Add("s", 10);
        Take(coalescer, timed: false);
        coalescer.Add("s", 20);

        coalescer.Add("s", 10 + window);

        Assert.Equal(10 + window, Take(coalescer, timed: false)["s"]);
    }

    private Dictionary<string, long> Take(AcknowledgementCoalescer coalescer, bool timed)
    {
        _due.Clear();
        coalescer.TakeDue(_due, timed);
        return new Dictionary<string, long>(_due, StringComparer.Ordinal);
    }
}
