using AspireAgent.Protocol.Client;

namespace AspireAgent.UnitTests.Client;

public sealed class HeartbeatMonitorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void Under_the_application_heartbeat_the_client_pings_every_interval_and_an_answer_clears_the_check()
    {
        var monitor = HeartbeatMonitor.For("application", Interval, Timeout, T0);

        Assert.Equal(HeartbeatStep.WaitUntil(T0 + Interval), monitor.Next(T0, T0));
        Assert.Equal(HeartbeatStep.Ping(T0 + Interval + Timeout), monitor.Next(T0 + Interval, T0));
        Assert.True(monitor.AwaitingPong(T0));

        var pong = T0 + Interval + TimeSpan.FromMilliseconds(3);
        Assert.False(monitor.AwaitingPong(pong));
        Assert.Equal(HeartbeatStep.WaitUntil(T0 + 2 * Interval), monitor.Next(pong, pong));
    }

    [Fact]
    public void A_ping_left_unanswered_past_the_timeout_ends_the_connection()
    {
        var monitor = HeartbeatMonitor.For("application", Interval, Timeout, T0);
        monitor.Next(T0 + Interval, T0);

        Assert.Equal(HeartbeatAction.Wait, monitor.Next(T0 + Interval + Timeout - TimeSpan.FromTicks(1), T0).Action);
        Assert.Equal(HeartbeatAction.Timeout, monitor.Next(T0 + Interval + Timeout, T0).Action);
    }

    [Fact]
    public void Under_the_fixed_heartbeat_the_client_watches_for_silence_past_interval_plus_timeout()
    {
        var monitor = HeartbeatMonitor.For("fixed", Interval, Timeout, T0);
        var heard = T0 + TimeSpan.FromSeconds(7);

        Assert.Equal(HeartbeatStep.WaitUntil(heard + Interval + Timeout), monitor.Next(heard, heard));
        Assert.Equal(HeartbeatAction.Timeout, monitor.Next(heard + Interval + Timeout, heard).Action);
        Assert.Null(monitor.PingSentAt);
    }

    [Theory]
    [InlineData("adaptive", 15_000)]
    [InlineData("on-demand", 15_000)]
    [InlineData(null, 15_000)]
    [InlineData("application", null)]
    public void Otherwise_the_client_only_answers_the_servers_pings(string? strategy, int? intervalMs)
    {
        var monitor = HeartbeatMonitor.For(strategy, intervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, Timeout, T0);

        Assert.Equal(HeartbeatMonitor.Mode.None, monitor.Kind);
        Assert.Equal(HeartbeatAction.Wait, monitor.Next(T0 + TimeSpan.FromDays(1), T0).Action);
    }
}
