using AspireAgent.Socket.Heartbeat;

namespace AspireAgent.UnitTests.Gateway;

public sealed class HeartbeatScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly HeartbeatOptions Options = new();

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void Fixed_pings_every_30_seconds_whatever_the_traffic()
    {
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.Fixed, Options, T0);

        Assert.Equal(HeartbeatStep.WaitUntil(At(30)), schedule.Next(At(0), At(0), At(0)));
        Assert.Equal(HeartbeatAction.Ping, schedule.Next(At(30), At(29), At(29)).Action);
        // Pong at 31 s; busy traffic does not postpone the next ping.
        Assert.Equal(HeartbeatStep.WaitUntil(At(60)), schedule.Next(At(31), At(31), At(31)));
        Assert.Equal(HeartbeatAction.Ping, schedule.Next(At(60), At(59), At(59)).Action);
    }

    [Fact]
    public void A_ping_without_any_answer_times_out_at_the_pong_deadline()
    {
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.Fixed, Options, T0);
        Assert.Equal(HeartbeatStep.Ping(At(40)), schedule.Next(At(30), At(0), At(0)));
        Assert.True(schedule.AwaitingPong);

        Assert.Equal(HeartbeatStep.WaitUntil(At(40)), schedule.Next(At(39.999), At(0), At(0)));
        Assert.Equal(HeartbeatAction.Timeout, schedule.Next(At(40), At(0), At(0)).Action);
    }

    [Fact]
    public void An_interval_shorter_than_the_pong_timeout_still_pings_every_interval()
    {
        var options = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(5), PongTimeout = TimeSpan.FromSeconds(10) };
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.Fixed, options, T0);

        Assert.Equal(HeartbeatStep.Ping(At(10)), schedule.Next(At(5), At(0), At(0)));
        Assert.Equal(HeartbeatAction.Ping, schedule.Next(At(10), At(6), At(0)).Action);
    }

    [Fact]
    public void Adaptive_grows_towards_five_minutes_while_idle_and_snaps_back_on_traffic()
    {
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.Adaptive, Options, T0);
        var now = At(0);
        var intervals = new List<double>();
        for (var cycle = 0; cycle < 6; cycle++)
        {
            var step = schedule.Next(now, now, At(0));
            Assert.Equal(HeartbeatAction.Wait, step.Action);
            intervals.Add((step.At - now).TotalSeconds);
            now = step.At;
            Assert.Equal(HeartbeatAction.Ping, schedule.Next(now, now.AddSeconds(-1), At(0)).Action);
            now = now.AddSeconds(1); // pong one second later, no application message
            schedule.Next(now, now, At(0));
            now = now.AddSeconds(-1);
        }

        Assert.Equal([30, 60, 120, 240, 300, 300], intervals.Select(x => Math.Round(x)));

        // A user message after the last ping resets the interval to 30 s.
        var message = now.AddSeconds(5);
        var next = schedule.Next(message, message, message);
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.CurrentInterval);
        Assert.Equal(now + TimeSpan.FromSeconds(30), next.At);
    }

    [Fact]
    public void On_demand_pings_only_after_an_interval_of_silence()
    {
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.OnDemand, Options, T0);

        // Frames keep arriving: the due time keeps moving, no ping.
        Assert.Equal(HeartbeatStep.WaitUntil(At(30)), schedule.Next(At(0), At(0), At(0)));
        Assert.Equal(HeartbeatStep.WaitUntil(At(55)), schedule.Next(At(30), At(25), At(25)));
        Assert.Equal(HeartbeatStep.WaitUntil(At(80)), schedule.Next(At(55), At(50), At(50)));

        // Then silence: ping 30 s after the last frame.
        Assert.Equal(HeartbeatAction.Ping, schedule.Next(At(80), At(50), At(50)).Action);
    }

    [Fact]
    public void Application_never_pings_and_closes_a_peer_silent_for_interval_plus_timeout()
    {
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.Application, Options, T0);

        Assert.Equal(HeartbeatStep.WaitUntil(At(40)), schedule.Next(At(0), At(0), At(0)));
        Assert.Equal(HeartbeatStep.WaitUntil(At(68)), schedule.Next(At(40), At(28), At(0)));
        Assert.Equal(HeartbeatAction.Timeout, schedule.Next(At(68), At(28), At(0)).Action);
    }

    [Fact]
    public void A_deadline_looked_at_late_is_a_stall_of_this_process_and_grants_grace_before_closing()
    {
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.Fixed, Options, T0);
        Assert.Equal(HeartbeatStep.Ping(At(40)), schedule.Next(At(30), At(0), At(0)));

        // The timer that should have run at 40 s runs at 45 s: no close, the receive loops get 2 s.
        Assert.Equal(HeartbeatStep.WaitUntil(At(47)), schedule.Next(At(45), At(0), At(0)));
        Assert.Equal(HeartbeatStep.WaitUntil(At(47)), schedule.Next(At(46), At(0), At(0)));

        // Checked on time at the end of the grace and still nothing: closed, at the original deadline.
        Assert.Equal(HeartbeatStep.Timeout(At(40)), schedule.Next(At(47.5), At(0), At(0)));
    }

    [Fact]
    public void A_pong_read_during_the_grace_keeps_the_peer_and_the_next_ping_starts_afresh()
    {
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.Fixed, Options, T0);
        schedule.Next(At(30), At(0), At(0));
        Assert.Equal(HeartbeatStep.WaitUntil(At(47)), schedule.Next(At(45), At(0), At(0)));

        // The pong that sat in the socket buffer is read at 45.5 s.
        Assert.Equal(HeartbeatStep.WaitUntil(At(60)), schedule.Next(At(47), At(45.5), At(0)));
        Assert.False(schedule.AwaitingPong);

        // The next unanswered ping, checked on time, closes at its own deadline with no grace left over.
        Assert.Equal(HeartbeatStep.Ping(At(70)), schedule.Next(At(60), At(45.5), At(0)));
        Assert.Equal(HeartbeatStep.Timeout(At(70)), schedule.Next(At(70.5), At(45.5), At(0)));
    }

    [Fact]
    public void Application_strategy_also_reads_a_late_check_as_a_stall()
    {
        var schedule = new HeartbeatSchedule(HeartbeatStrategy.Application, Options, T0);

        Assert.Equal(HeartbeatStep.WaitUntil(At(40)), schedule.Next(At(0), At(0), At(0)));
        Assert.Equal(HeartbeatStep.WaitUntil(At(52)), schedule.Next(At(50), At(0), At(0)));
        Assert.Equal(HeartbeatAction.Timeout, schedule.Next(At(52), At(0), At(0)).Action);
    }

    [Theory]
    [InlineData("fixed", HeartbeatStrategy.Fixed)]
    [InlineData("adaptive", HeartbeatStrategy.Adaptive)]
    [InlineData("on-demand", HeartbeatStrategy.OnDemand)]
    [InlineData("application", HeartbeatStrategy.Application)]
    public void Client_hints_parse_and_print_back(string hint, HeartbeatStrategy strategy)
    {
        Assert.True(HeartbeatOptions.TryParseHint(hint, out var parsed));
        Assert.Equal(strategy, parsed);
        Assert.Equal(hint, HeartbeatOptions.ToHint(strategy));
    }

    [Fact]
    public void An_unknown_hint_is_not_taken()
    {
        Assert.False(HeartbeatOptions.TryParseHint("whenever", out _));
        Assert.False(HeartbeatOptions.TryParseHint(null, out _));
    }
}
