using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// Signals through Redis leave nothing behind for streams that are gone, and acknowledgements are coalesced;
/// the rules are in StreamSignalsContract.
/// </summary>
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

    [Fact]
    public async Task Acknowledgements_queued_faster_than_redis_answers_are_coalesced_into_the_highest_per_stream()
    {
        const int Acks = 1000;
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await BusNode.StartAsync(redis);
        await using var worker = await BusNode.StartAsync(redis);
        var ids = new[] { (await StreamEvents.CreateAsync(gateway.Streams)).StreamId, (await StreamEvents.CreateAsync(gateway.Streams)).StreamId };
        await using var first = await worker.Signals.WatchAsync(ids[0], _test);
        await using var second = await worker.Signals.WatchAsync(ids[1], _test);
        var before = await CommandStats.ReadAsync(redis);

        for (var seq = 0; seq < Acks; seq++)
        {
            await gateway.Signals.AcknowledgeAsync(ids[seq % 2], seq, _test);
        }

        // The producers get the highest acknowledgement of their stream, as if each had been sent.
        await first.WaitForCreditAsync(Acks - 1, window: 1, _test).AsTask().WaitAsync(TimeSpan.FromSeconds(5), _test);
        await second.WaitForCreditAsync(Acks, window: 1, _test).AsTask().WaitAsync(TimeSpan.FromSeconds(5), _test);
        Assert.Equal((Acks - 2, Acks - 1), (first.Acknowledged, second.Acknowledged));
        var after = await CommandStats.ReadAsync(redis);
        var scripts = new[] { "eval", "evalsha" }.Sum(command => after.GetValueOrDefault(command) - before.GetValueOrDefault(command));
        // One script call per stream per batch: a handful of batches, not one call per acknowledgement.
        Assert.InRange(scripts, 2, Acks / 10);
    }

    [Fact]
    public async Task An_acknowledgement_held_back_to_be_coalesced_reaches_the_producer_after_the_delay()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?> { ["Bus:Redis:AcknowledgeEvery"] = "16", ["Bus:Redis:AcknowledgeAfter"] = "00:00:00.200" };
        await using var gateway = await BusNode.StartAsync(redis, settings);
        await using var worker = await BusNode.StartAsync(redis, settings);
        var id = (await StreamEvents.CreateAsync(gateway.Streams)).StreamId;
        await using var watch = await worker.Signals.WatchAsync(id, _test);
        await gateway.Signals.AcknowledgeAsync(id, 0, _test); // the first of a stream goes at once
        await watch.WaitForCreditAsync(1, window: 1, _test).AsTask().WaitAsync(TimeSpan.FromSeconds(5), _test);

        // Five chunks further, well short of sixteen: held, until the delay sends it. Nothing else would.
        await gateway.Signals.AcknowledgeAsync(id, 5, _test);

        await watch.WaitForCreditAsync(6, window: 1, _test).AsTask().WaitAsync(TimeSpan.FromSeconds(5), _test);
        Assert.Equal(5, watch.Acknowledged);
    }
}
