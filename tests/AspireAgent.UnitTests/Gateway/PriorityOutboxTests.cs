using AspireAgent.Protocol;
using AspireAgent.Socket.Connections;

namespace AspireAgent.UnitTests.Gateway;

public sealed class PriorityOutboxTests
{
    private static AssistantChunk Chunk(long seq) => new() { Id = $"c{seq}", Timestamp = 0, StreamId = "s", Seq = seq, Delta = "x" };

    private static ControlMessage Control(string action) => new() { Id = action, Timestamp = 0, Action = action };

    [Fact]
    public async Task A_pong_is_written_before_ten_thousand_queued_chunks()
    {
        var outbox = new PriorityOutbox(laneCapacity: 10_000);
        for (var seq = 0; seq < 10_000; seq++)
        {
            await outbox.EnqueueAsync(Chunk(seq), TestContext.Current.CancellationToken);
        }

        Assert.True(outbox.TryEnqueue(Control(ControlActions.Pong)));

        var first = await outbox.DequeueAsync();
        Assert.Equal(ControlActions.Pong, Assert.IsType<ControlMessage>(first).Action);
        Assert.Equal(0, Assert.IsType<AssistantChunk>(await outbox.DequeueAsync()).Seq);
    }

    [Fact]
    public async Task Lanes_drain_in_priority_order_and_fifo_within_a_lane()
    {
        var outbox = new PriorityOutbox(laneCapacity: 16);
        var ct = TestContext.Current.CancellationToken;
        await outbox.EnqueueAsync(Control("status"), ct); // low
        await outbox.EnqueueAsync(Chunk(0), ct); // normal
        await outbox.EnqueueAsync(Control(ControlActions.Ack), ct); // high
        await outbox.EnqueueAsync(Chunk(1), ct); // normal
        await outbox.EnqueueAsync(new ErrorMessage { Id = "e", Timestamp = 0, Code = "x", Message = "x" }, ct); // critical

        var order = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            order.Add((await outbox.DequeueAsync())!.Id);
        }

        Assert.Equal(["e", ControlActions.Ack, "c0", "c1", "status"], order);
    }

    [Fact]
    public async Task A_full_lane_makes_the_producer_wait_until_the_writer_takes_a_frame()
    {
        var outbox = new PriorityOutbox(laneCapacity: 2);
        var ct = TestContext.Current.CancellationToken;
        await outbox.EnqueueAsync(Chunk(0), ct);
        await outbox.EnqueueAsync(Chunk(1), ct);

        var third = outbox.EnqueueAsync(Chunk(2), ct).AsTask();
        Assert.False(third.IsCompleted);
        Assert.False(outbox.TryEnqueue(Chunk(2)));

        await outbox.DequeueAsync();
        await third.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.Equal(2, outbox.Count);
    }

    [Fact]
    public async Task The_low_lane_drops_its_oldest_frame_instead_of_blocking()
    {
        var outbox = new PriorityOutbox(laneCapacity: 2);
        var ct = TestContext.Current.CancellationToken;
        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            await outbox.EnqueueAsync(Control(id), ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct);
        }

        outbox.Complete();
        var ids = new List<string>();
        while (await outbox.DequeueAsync() is { } message)
        {
            ids.Add(message.Id);
        }

        Assert.Equal(["s2", "s3"], ids);
        Assert.Equal(1, outbox.Dropped);
    }

    [Fact]
    public async Task A_lane_first_used_after_complete_refuses_frames_and_the_writer_still_ends()
    {
        var outbox = new PriorityOutbox(laneCapacity: 4);
        Assert.True(outbox.TryEnqueue(Control(ControlActions.Ping))); // only the critical lane exists
        outbox.Complete();

        Assert.False(outbox.TryEnqueue(Chunk(0))); // the normal lane is created now, already completed
        await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(
            async () => await outbox.EnqueueAsync(Chunk(1), TestContext.Current.CancellationToken));
        Assert.Equal(ControlActions.Ping, Assert.IsType<ControlMessage>(await outbox.DequeueAsync()).Action);
        Assert.Null(await outbox.DequeueAsync());
        Assert.True(outbox.IsEmpty);
    }

    [Fact]
    public async Task Waiting_producers_are_let_in_in_order_and_one_that_gave_up_is_skipped()
    {
        var outbox = new PriorityOutbox(laneCapacity: 1);
        var ct = TestContext.Current.CancellationToken;
        await outbox.EnqueueAsync(Chunk(0), ct);
        using var giveUp = new CancellationTokenSource();
        var first = outbox.EnqueueAsync(Chunk(1), giveUp.Token).AsTask();
        var second = outbox.EnqueueAsync(Chunk(2), ct).AsTask();
        var third = outbox.EnqueueAsync(Chunk(3), ct).AsTask();

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(TimeSpan.FromSeconds(5), ct));

        var written = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            written.Add(Assert.IsType<AssistantChunk>(await outbox.DequeueAsync()).Seq);
        }

        await Task.WhenAll(second, third).WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.Equal([0, 2, 3], written); // the cancelled frame was never queued
        Assert.True(outbox.IsEmpty);
    }

    [Fact]
    public async Task Completing_fails_the_producers_waiting_for_room_and_keeps_what_was_queued()
    {
        var outbox = new PriorityOutbox(laneCapacity: 1);
        var ct = TestContext.Current.CancellationToken;
        await outbox.EnqueueAsync(Chunk(0), ct);
        var waiting = outbox.EnqueueAsync(Chunk(1), ct).AsTask();

        outbox.Complete();

        await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5), ct));
        Assert.Equal(0, Assert.IsType<AssistantChunk>(await outbox.DequeueAsync()).Seq);
        Assert.Null(await outbox.DequeueAsync());
    }

    [Fact]
    public async Task Producers_and_the_writer_on_many_threads_lose_and_repeat_nothing()
    {
        const int Producers = 4;
        const int PerProducer = 5_000;
        var outbox = new PriorityOutbox(laneCapacity: 8);
        var ct = TestContext.Current.CancellationToken;
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                await outbox.EnqueueAsync(new AssistantChunk { Id = "c", Timestamp = 0, StreamId = $"s{p}", Seq = i, Delta = "x" }, ct);
            }
        }, ct)).ToList();

        var next = new long[Producers];
        for (var taken = 0; taken < Producers * PerProducer; taken++)
        {
            var chunk = Assert.IsType<AssistantChunk>(await outbox.DequeueAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct));
            var producer = int.Parse(chunk.StreamId[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(next[producer]++, chunk.Seq);
        }

        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.True(outbox.IsEmpty);
    }
}
