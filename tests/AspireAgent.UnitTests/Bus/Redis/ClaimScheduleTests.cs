using AspireAgent.Bus.Redis;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Bus.Redis;

public sealed class ClaimScheduleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new();
    private readonly ClaimSchedule _schedule;

    public ClaimScheduleTests() =>
        _schedule = new ClaimSchedule(Options.Create(new RedisBusOptions { ClaimCheckInterval = Interval }), _time);

    [Fact]
    public void One_consumer_of_the_process_checks_per_interval()
    {
        Assert.True(_schedule.TryBegin());
        Assert.False(_schedule.TryBegin()); // another consumer, while the check runs
        _schedule.End(found: false);
        Assert.False(_schedule.TryBegin());
        Assert.Equal(Interval, _schedule.UntilDue);

        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.False(_schedule.TryBegin());
        Assert.Equal(TimeSpan.FromMilliseconds(1), _schedule.UntilDue);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_schedule.TryBegin());
    }

    [Fact]
    public void A_check_that_found_a_request_is_followed_at_once_and_wakes_the_idle_consumers()
    {
        var rearmed = _schedule.Rearmed;
        Assert.True(_schedule.TryBegin());
        Assert.Equal(Interval, _schedule.UntilDue); // waiters wait for the running check, or its rearm signal
        _schedule.End(found: true);

        Assert.True(rearmed.IsCompletedSuccessfully);
        Assert.False(_schedule.Rearmed.IsCompleted);
        Assert.Equal(TimeSpan.Zero, _schedule.UntilDue);
        Assert.True(_schedule.TryBegin());
        _schedule.End(found: false);
        Assert.False(_schedule.TryBegin());
    }

    [Fact]
    public void A_check_that_found_nothing_wakes_nobody()
    {
        var rearmed = _schedule.Rearmed;
        Assert.True(_schedule.TryBegin());
        _schedule.End(found: false);

        Assert.False(rearmed.IsCompleted);
    }
}
