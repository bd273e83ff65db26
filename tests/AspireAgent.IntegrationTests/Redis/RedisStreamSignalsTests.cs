using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>Interrupts and acknowledgements from a gateway node to the worker producing the stream, through Redis.</summary>
public sealed class RedisStreamSignalsTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_interrupt_sent_on_one_node_reaches_the_producer_watching_on_another()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await BusNode.StartAsync(redis);
        await using var worker = await BusNode.StartAsync(redis);
        var id = (await StreamEvents.CreateAsync(gateway.Streams)).StreamId;
        await using var watch = await worker.Signals.WatchAsync(id, _test);
        Assert.False(watch.Interrupted.IsCancellationRequested);

        var interrupted = new TaskCompletionSource();
        using var registration = watch.Interrupted.Register(() => interrupted.TrySetResult());
        await gateway.Signals.InterruptAsync(id, _test);

        await interrupted.Task.WaitAsync(Within, _test);
    }

    [Fact]
    public async Task Acknowledgements_from_another_node_give_the_producer_credit()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await BusNode.StartAsync(redis);
        await using var worker = await BusNode.StartAsync(redis);
        var id = (await StreamEvents.CreateAsync(gateway.Streams)).StreamId;
        await using var watch = await worker.Signals.WatchAsync(id, _test);

        Assert.True(watch.WaitForCreditAsync(3, window: 4, _test).IsCompletedSuccessfully);
        var waiting = watch.WaitForCreditAsync(10, window: 4, _test).AsTask();
        await gateway.Signals.AcknowledgeAsync(id, 2, _test);
        await gateway.Signals.AcknowledgeAsync(id, 1, _test); // late and out of order: ignored
        await gateway.Signals.AcknowledgeAsync(id, 6, _test);

        await waiting.WaitAsync(Within, _test);
        Assert.Equal(6, watch.Acknowledged);
    }

    [Fact]
    public async Task Signals_sent_before_the_producer_watched_are_not_lost()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await BusNode.StartAsync(redis);
        await using var worker = await BusNode.StartAsync(redis);
        var id = (await StreamEvents.CreateAsync(gateway.Streams)).StreamId;
        await gateway.Signals.AcknowledgeAsync(id, 9, _test);
        await gateway.Signals.InterruptAsync(id, _test);
        // The acknowledgement is fire-and-forget; the interrupt, sent after it on the same connection, is awaited.

        await using var watch = await worker.Signals.WatchAsync(id, _test);

        Assert.True(watch.Interrupted.IsCancellationRequested);
        Assert.Equal(9, watch.Acknowledged);
    }

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
