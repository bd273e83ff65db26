using AspireAgent.Socket.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Gateway;

public sealed class ConnectionTimersTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Deadlines_of_many_connections_run_at_their_exact_instants_in_order()
    {
        var time = new FakeTimeProvider(Start);
        using var timers = new ConnectionTimers(time, NullLogger<ConnectionTimers>.Instance);
        var ran = new List<(string Name, DateTimeOffset At)>();
        timers.Schedule(new Recorder("c", ran), Start.AddMilliseconds(3_000));
        timers.Schedule(new Recorder("a", ran), Start.AddMilliseconds(1_000));
        timers.Schedule(new Recorder("b", ran), Start.AddMilliseconds(2_500));

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(ran);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([("a", Start.AddMilliseconds(1_000))], ran);

        time.Advance(TimeSpan.FromMilliseconds(1_500));
        Assert.Equal(["a", "b"], ran.Select(r => r.Name));
        Assert.Equal(Start.AddMilliseconds(2_500), ran[1].At);
        Assert.Equal(1, timers.Count);

        // A clock that jumps past several deadlines runs each of them once, at the time it sees.
        timers.Schedule(new Recorder("d", ran), Start.AddMilliseconds(4_000));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["a", "b", "c", "d"], ran.Select(r => r.Name));
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public void With_a_resolution_deadlines_of_one_slot_run_together_at_its_end_and_never_early()
    {
        var time = new FakeTimeProvider(Start);
        using var timers = new ConnectionTimers(time, NullLogger<ConnectionTimers>.Instance, TimeSpan.FromMilliseconds(50));
        var ran = new List<(string Name, DateTimeOffset At)>();
        timers.Schedule(new Recorder("a", ran), Start.AddMilliseconds(1_001));
        timers.Schedule(new Recorder("b", ran), Start.AddMilliseconds(1_049));
        timers.Schedule(new Recorder("c", ran), Start.AddMilliseconds(1_050));
        timers.Schedule(new Recorder("d", ran), Start.AddMilliseconds(1_051));

        time.Advance(TimeSpan.FromMilliseconds(1_049));
        Assert.Empty(ran);

        // 1,001, 1,049 and 1,050 ms share the slot ending at 1,050 ms: one wake runs all three.
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["a", "b", "c"], ran.Select(r => r.Name).Order());
        Assert.All(ran, r => Assert.Equal(Start.AddMilliseconds(1_050), r.At));

        time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal(3, ran.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(("d", Start.AddMilliseconds(1_100)), ran[3]);
    }

    [Fact]
    public void A_callback_that_reschedules_itself_beats_periodically_and_one_that_throws_stops_nobody()
    {
        var time = new FakeTimeProvider(Start);
        using var timers = new ConnectionTimers(time, NullLogger<ConnectionTimers>.Instance);
        var beats = new List<DateTimeOffset>();
        timers.Schedule(new Throwing(), Start.AddSeconds(1));
        timers.Schedule(new Periodic(timers, TimeSpan.FromSeconds(1), beats), Start.AddSeconds(1));

        for (var second = 0; second < 3; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([Start.AddSeconds(1), Start.AddSeconds(2), Start.AddSeconds(3)], beats);
        Assert.Equal(1, timers.Count); // the periodic one's next look; the throwing one is gone
    }

    private sealed class Recorder(string name, List<(string, DateTimeOffset)> ran) : IDueCallback
    {
        public void OnDue(DateTimeOffset now) => ran.Add((name, now));
    }

    private sealed class Periodic(ConnectionTimers timers, TimeSpan period, List<DateTimeOffset> beats) : IDueCallback
    {
        public void OnDue(DateTimeOffset now)
        {
            beats.Add(now);
            timers.Schedule(this, now + period);
        }
    }

    private sealed class Throwing : IDueCallback
    {
        public void OnDue(DateTimeOffset now) => throw new InvalidOperationException("boom");
    }
}
