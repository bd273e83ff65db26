using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>Signals through Redis leave nothing behind for streams that are gone; the rules are in StreamSignalsContract.</summary>
public sealed class RedisStreamSignalsTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signals_for_a_stream_that_does_not_exist_create_nothing()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await BusNode.StartAsync(redis);
        var real = (await StreamEvents.CreateAsync(gateway.Streams)).StreamId;
        await using var watch = await gateway.Signals.WatchAsync(real, _test);

        await gateway.Signals.AcknowledgeAsync("s_gone", 3, _test);
        await gateway.Signals.AcknowledgeAsync(real, 1, _test);
        // Acknowledgements are queued and sent in order: once the one after it arrived, the first was written.
        await watch.WaitForCreditAsync(2, window: 1, _test).AsTask().WaitAsync(TimeSpan.FromSeconds(5), _test);
        await gateway.Signals.InterruptAsync("s_gone", _test); // awaited, and after the acks on the same connection

        Assert.Equal("*0", await redis.CommandAsync("KEYS", "*s_gone*"));
        Assert.Equal(":1", await redis.CommandAsync("DBSIZE")); // the real stream's meta
    }
}
