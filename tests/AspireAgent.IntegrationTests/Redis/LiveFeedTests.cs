using AspireAgent.Bus.Redis;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// A live reader's safety net against a lost notification, on a real subscription: it is told to catch up from the
/// log after a silence of one to two catch-up intervals, and never while notifications keep coming.
/// </summary>
public sealed class LiveFeedTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_feed_asks_its_reader_to_catch_up_after_a_silence_and_not_while_notifications_come()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var connection = new RedisConnection(multiplexer, new RedisKeys(new RedisBusOptions()), NullLogger<RedisConnection>.Instance);
        var time = new FakeTimeProvider();
        var channel = RedisChannel.Literal("feed-test");
        await using var feed = await LiveFeed.SubscribeAsync(connection, channel, capacity: 16, Idle, time);

        // Nothing came for a whole period: catch up.
        var first = feed.NextAsync(_test);
        Assert.False(first.IsCompleted);
        time.Advance(Idle);
        Assert.True((await first.AsTask().WaitAsync(TimeSpan.FromSeconds(5), _test)).IsCatchUp);

        // A notification in the next period: it is delivered, and that period's look finds no silence.
        await multiplexer.GetSubscriber().PublishAsync(channel, new byte[] { 1, 2, 3 });
        var live = await feed.NextAsync(_test).AsTask().WaitAsync(TimeSpan.FromSeconds(5), _test);
        Assert.Equal([1, 2, 3], live.Payload.ToArray());
        var waiting = feed.NextAsync(_test);
        time.Advance(Idle);
        await Task.Delay(100, _test);
        Assert.False(waiting.IsCompleted);

        // Then a whole period without any: catch up again.
        time.Advance(Idle);
        Assert.True((await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(5), _test)).IsCatchUp);
    }
}
