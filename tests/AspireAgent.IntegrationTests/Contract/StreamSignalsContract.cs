using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Contract;

/// <summary>Interrupts and acknowledgements from a gateway to the producer of a stream, on every implementation.</summary>
public abstract class StreamSignalsContract(BusTarget target)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_interrupt_sent_on_one_node_reaches_the_producer_watching_on_another()
    {
        await using var nodes = await target.StartAsync(2);
        var id = (await StreamEvents.CreateAsync(nodes[0].Streams)).StreamId;
        await using var watch = await nodes[1].Signals.WatchAsync(id, _test);
        Assert.False(watch.Interrupted.IsCancellationRequested);

        var interrupted = new TaskCompletionSource();
        using var registration = watch.Interrupted.Register(() => interrupted.TrySetResult());
        await nodes[0].Signals.InterruptAsync(id, _test);

        await interrupted.Task.WaitAsync(Within, _test);
    }

    [Fact]
    public async Task Acknowledgements_give_credit_a_window_ahead_and_late_ones_are_ignored()
    {
        await using var nodes = await target.StartAsync(2);
        var id = (await StreamEvents.CreateAsync(nodes[0].Streams)).StreamId;
        await using var watch = await nodes[1].Signals.WatchAsync(id, _test);

        Assert.Equal(-1, watch.Acknowledged);
        Assert.True(watch.WaitForCreditAsync(3, window: 4, _test).IsCompletedSuccessfully);
        var waiting = watch.WaitForCreditAsync(10, window: 4, _test).AsTask();
        Assert.False(waiting.IsCompleted);
        await nodes[0].Signals.AcknowledgeAsync(id, 2, _test);
        await nodes[0].Signals.AcknowledgeAsync(id, 1, _test); // late and out of order: ignored
        await nodes[0].Signals.AcknowledgeAsync(id, 6, _test);

        await waiting.WaitAsync(Within, _test);
        Assert.Equal(6, watch.Acknowledged);
    }

    [Fact]
    public async Task Signals_sent_before_the_producer_watched_are_not_lost()
    {
        await using var nodes = await target.StartAsync(2);
        var id = (await StreamEvents.CreateAsync(nodes[0].Streams)).StreamId;
        await nodes[0].Signals.AcknowledgeAsync(id, 9, _test);
        await nodes[0].Signals.InterruptAsync(id, _test);

        await using var watch = await nodes[1].Signals.WatchAsync(id, _test);

        Assert.True(watch.Interrupted.IsCancellationRequested);
        // An acknowledgement may be queued rather than sent when AcknowledgeAsync returns: the watch learns it
        // from the stream's state or live, whichever comes later, and must learn it either way.
        await watch.WaitForCreditAsync(10, window: 1, _test).AsTask().WaitAsync(Within, _test);
        Assert.Equal(9, watch.Acknowledged);
    }
}
