using AspireAgent.Protocol.Client;

namespace AspireAgent.UnitTests.Client;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(10, 30)]
    [InlineData(1000, 30)]
    public void The_nominal_delay_doubles_from_one_second_up_to_the_cap(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Nominal(new ReconnectOptions(), attempt));

    [Fact]
    public void Every_drawn_delay_lies_within_the_jitter_band_around_the_capped_nominal_delay()
    {
        var options = new ReconnectOptions { Jitter = 0.2, MaxDelay = TimeSpan.FromSeconds(30) };
        var random = new Random(1234);
        for (var attempt = 1; attempt <= 15; attempt++)
        {
            var nominal = Backoff.Nominal(options, attempt);
            var drawn = Enumerable.Range(0, 500).Select(_ => Backoff.Delay(options, attempt, random)).ToList();

            Assert.All(drawn, delay => Assert.InRange(delay, nominal * 0.8, nominal * 1.2));
            Assert.True(drawn.Max() <= options.MaxDelay * 1.2, $"attempt {attempt}: {drawn.Max()} is past the cap plus jitter");

            // Both halves of the band are used: the jitter is symmetric, not one-sided.
            Assert.Contains(drawn, delay => delay < nominal * 0.95);
            Assert.Contains(drawn, delay => delay > nominal * 1.05);
        }
    }

    [Fact]
    public void Without_jitter_the_schedule_is_exact()
    {
        var options = new ReconnectOptions { Jitter = 0, InitialDelay = TimeSpan.FromMilliseconds(250), MaxDelay = TimeSpan.FromSeconds(2) };
        var delays = Enumerable.Range(1, 6).Select(attempt => Backoff.Delay(options, attempt, Random.Shared).TotalMilliseconds);

        Assert.Equal([250, 500, 1000, 2000, 2000, 2000], delays);
    }

    [Fact]
    public void A_thousand_clients_cut_at_once_spread_their_first_retry_over_the_jitter_window()
    {
        // Each simulated client draws from the default source, as real clients do.
        var firstRetries = Enumerable.Range(0, 1000)
            .Select(_ => new AgentClientOptions { Endpoint = new Uri("ws://127.0.0.1/ws") })
            .Select(options => Backoff.Delay(options.Reconnect, attempt: 1, options.Random).TotalMilliseconds)
            .ToList();

        Assert.InRange(firstRetries.Min(), 800, 1200);
        Assert.InRange(firstRetries.Max(), 800, 1200);
        Assert.True(firstRetries.Max() - firstRetries.Min() > 300, $"spread only {firstRetries.Max() - firstRetries.Min():F0} ms");
        Assert.True(firstRetries.Distinct().Count() > 990, "the retries fall on a few instants");

        // Eight 50 ms buckets over [800, 1200): each gets roughly an eighth of the clients, none a crowd.
        var buckets = firstRetries.GroupBy(ms => (int)((ms - 800) / 50)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(8, buckets.Count);
        Assert.All(buckets.Values, count => Assert.InRange(count, 60, 200));
    }

    [Fact]
    public void An_immediate_retry_after_going_away_waits_only_a_small_spread_draw()
    {
        var options = new ReconnectOptions { ImmediateJitter = TimeSpan.FromMilliseconds(500) };
        var random = new Random(7);
        var delays = Enumerable.Range(0, 1000).Select(_ => Backoff.Immediate(options, random).TotalMilliseconds).ToList();

        Assert.All(delays, ms => Assert.InRange(ms, 0, 500));
        Assert.True(delays.Max() - delays.Min() > 400);
        Assert.True(delays.Distinct().Count() > 990);
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { Jitter = 1.5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { Jitter = -0.1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { MaxAttempts = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ReconnectOptions { InitialDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(1) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new AgentClient(new AgentClientOptions { Endpoint = new Uri("ws://127.0.0.1/ws"), AcknowledgeEvery = 0 }));
    }
}
