using AspireAgent.Bus;
using AspireAgent.Socket.Flow;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspireAgent.UnitTests.Gateway;

public sealed class AcknowledgementFlusherTests
{
    [Fact]
    public async Task Only_the_highest_queued_acknowledgement_of_each_stream_reaches_the_bus()
    {
        var ct = TestContext.Current.CancellationToken;
        var signals = new RecordingSignals(expected: 2);
        using var flusher = Create(signals, concurrency: 1);
        Assert.True(flusher.Writer.TryWrite(new StreamAck("a", 3)));
        Assert.True(flusher.Writer.TryWrite(new StreamAck("b", 2)));
        Assert.True(flusher.Writer.TryWrite(new StreamAck("a", 7)));
        Assert.True(flusher.Writer.TryWrite(new StreamAck("a", 5)));

        await flusher.StartAsync(ct);
        await signals.Done.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await flusher.StopAsync(ct);

        Assert.Equal([("a", 7L), ("b", 2L)], signals.Acknowledged.OrderBy(a => a.StreamId));
    }

    [Fact]
    public async Task A_failed_acknowledgement_stops_neither_the_others_nor_the_flusher()
    {
        var ct = TestContext.Current.CancellationToken;
        var signals = new RecordingSignals(expected: 2) { Failing = "bad" };
        using var flusher = Create(signals, concurrency: 2);
        await flusher.StartAsync(ct);

        Assert.True(flusher.Writer.TryWrite(new StreamAck("bad", 1)));
        Assert.True(flusher.Writer.TryWrite(new StreamAck("good", 1)));
        await signals.Done.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await flusher.StopAsync(ct);

        Assert.Contains(("good", 1L), signals.Acknowledged);
        Assert.NotNull(flusher.ExecuteTask);
        Assert.True(flusher.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public void The_queue_is_bounded_by_its_option()
    {
        using var flusher = Create(new RecordingSignals(expected: 0), concurrency: 1, capacity: 2);

        Assert.True(flusher.Writer.TryWrite(new StreamAck("a", 0)));
        Assert.True(flusher.Writer.TryWrite(new StreamAck("a", 1)));
        Assert.False(flusher.Writer.TryWrite(new StreamAck("a", 2)));
    }

    private static AcknowledgementFlusher Create(IStreamSignals signals, int concurrency, int capacity = 1024) =>
        new(signals, Microsoft.Extensions.Options.Options.Create(new GatewayOptions
        {
            AcknowledgeConcurrency = concurrency,
            AcknowledgeQueueCapacity = capacity,
        }), NullLogger<AcknowledgementFlusher>.Instance);

    private sealed class RecordingSignals(int expected) : IStreamSignals
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public string? Failing { get; init; }

        public System.Collections.Concurrent.ConcurrentQueue<(string StreamId, long Seq)> Acknowledged { get; } = new();

        public Task Done => _done.Task;

        public ValueTask AcknowledgeAsync(string streamId, long seq, CancellationToken cancellationToken)
        {
            try
            {
                if (streamId == Failing)
                {
                    throw new InvalidOperationException("the bus is down");
                }

                Acknowledged.Enqueue((streamId, seq));
                return ValueTask.CompletedTask;
            }
            finally
            {
                if (Interlocked.Increment(ref _calls) >= expected)
                {
                    _done.TrySetResult();
                }
            }
        }

        public ValueTask InterruptAsync(string streamId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<IStreamWatch> WatchAsync(string streamId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
