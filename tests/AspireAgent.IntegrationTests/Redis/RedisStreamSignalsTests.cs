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

        await gateway.Signals.AcknowledgeAsync("s_gone", 3, _test);
        await gateway.Signals.InterruptAsync("s_gone", _test); // awaited, and after the ack on the same connection

        Assert.Equal(":0", await redis.CommandAsync("DBSIZE"));
    }
}
