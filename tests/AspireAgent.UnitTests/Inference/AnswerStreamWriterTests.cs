using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Inference.Generation;
using AspireAgent.Protocol;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Inference;

/// <summary>
/// The writer pipelines its appends: one in flight, the chunks that queue meanwhile as one batch, in order,
/// never more than a batch waiting, and a failed append surfacing from the next call.
/// </summary>
public sealed class AnswerStreamWriterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;
    private readonly MemoryStreamStore _memory;
    private readonly GatedStore _store;

    public AnswerStreamWriterTests()
    {
        _memory = new MemoryStreamStore(Options.Create(new BusOptions()), _time);
        _store = new GatedStore(_memory);
    }

    [Fact]
    public async Task Chunks_that_queue_behind_the_append_in_flight_go_as_one_batch_in_order()
    {
        var writer = await OpenAsync();
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await writer.AppendAsync("a", _test); // in flight, held at the gate
        await writer.AppendAsync("b", _test);
        await writer.AppendAsync("c", _test);
        await writer.AppendAsync("d", _test);
        Assert.Equal([1, 1], _store.Writes); // start, then "a": the rest only queued
        Assert.Equal(4, writer.ChunkCount);

        _store.Gate.SetResult();
        await writer.FlushAsync();

        Assert.Equal([1, 1, 3], _store.Writes);
        var chunks = _memory.Snapshot(writer.Request.StreamId).OfType<AssistantChunk>().ToList();
        Assert.Equal([0L, 1L, 2L, 3L], chunks.Select(c => c.Seq));
        Assert.Equal("abcd", string.Concat(chunks.Select(c => c.Delta)));
    }

    [Fact]
    public async Task A_full_batch_waiting_makes_the_caller_wait_and_no_write_carries_more_than_a_batch()
    {
        var writer = await OpenAsync();
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await writer.AppendAsync("first", _test);
        for (var i = 1; i < AnswerStreamWriter.MaxBatch; i++)
        {
            Assert.True(writer.AppendAsync("x", _test).IsCompletedSuccessfully);
        }

        var full = writer.AppendAsync("x", _test).AsTask(); // the queue now holds a whole batch
        Assert.False(full.IsCompleted);

        _store.Gate.SetResult();
        await full.WaitAsync(TimeSpan.FromSeconds(5), _test);
        await writer.FlushAsync();
        Assert.Equal([1, 1, AnswerStreamWriter.MaxBatch], _store.Writes);
        Assert.Equal(AnswerStreamWriter.MaxBatch + 1, _memory.Snapshot(writer.Request.StreamId).OfType<AssistantChunk>().Count());
    }

    [Fact]
    public async Task A_refused_append_surfaces_from_the_next_call_and_from_the_end()
    {
        var writer = await OpenAsync();
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await writer.AppendAsync("a", _test);
        var successor = await _memory.AcquireAsync(writer.Request.StreamId, _test); // fences the writer out
        _store.Gate.SetResult();

        await Assert.ThrowsAsync<StreamFencedException>(async () => await writer.FlushAsync());
        await Assert.ThrowsAsync<StreamFencedException>(async () => await writer.AppendAsync("b", _test));
        await Assert.ThrowsAsync<StreamFencedException>(async () => await writer.EndAsync(FinishReason.Stop, new Usage(), _test));
        Assert.Equal(0, successor.NextSeq);
        Assert.Empty(_memory.Snapshot(writer.Request.StreamId).OfType<AssistantChunk>());
    }

    private async Task<AnswerStreamWriter> OpenAsync()
    {
        var streamId = MessageIds.New();
        await _memory.CreateAsync(new StreamInfo { StreamId = streamId, ConversationId = "c", OwnerId = "o", CreatedAt = _time.GetUtcNow() }, _test);
        var request = new ChatRequest
        {
            StreamId = streamId,
            ConversationId = "c",
            OwnerId = "o",
            UserMessageId = MessageIds.New(),
            History = [new ChatTurn(TurnRole.User, "hi")],
            SubmittedAt = _time.GetUtcNow(),
        };
        var writer = new AnswerStreamWriter(_store, await _memory.AcquireAsync(streamId, _test), request, 1000, 1_000_000, _time);
        await writer.OpenAsync("test", simulated: true, _test);
        return writer;
    }

    /// <summary>The memory store, recording each write's size; chunk writes wait at <see cref="Gate"/> when one is set.</summary>
    private sealed class GatedStore(IStreamStore inner) : IStreamStore
    {
        public TaskCompletionSource? Gate { get; set; }

        public List<int> Writes { get; } = [];

        public ValueTask CreateAsync(StreamInfo info, CancellationToken cancellationToken) => inner.CreateAsync(info, cancellationToken);

        public ValueTask<StreamInfo?> GetAsync(string streamId, CancellationToken cancellationToken) => inner.GetAsync(streamId, cancellationToken);

        public ValueTask AppendAsync(string streamId, AgentMessage message, CancellationToken cancellationToken) =>
            inner.AppendAsync(streamId, message, cancellationToken);

        public ValueTask<StreamProducer> AcquireAsync(string streamId, CancellationToken cancellationToken) => inner.AcquireAsync(streamId, cancellationToken);

        public ValueTask<StreamProducer> RenewAsync(StreamProducer producer, CancellationToken cancellationToken) => inner.RenewAsync(producer, cancellationToken);

        public async ValueTask AppendAsync(StreamProducer producer, AgentMessage message, CancellationToken cancellationToken) =>
            await AppendBatchAsync(producer, [message], cancellationToken);

        public async ValueTask AppendBatchAsync(StreamProducer producer, IReadOnlyList<AgentMessage> messages, CancellationToken cancellationToken)
        {
            lock (Writes)
            {
                Writes.Add(messages.Count);
            }

            if (messages[0] is AssistantChunk && Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            await inner.AppendBatchAsync(producer, messages, cancellationToken);
        }

        public IAsyncEnumerable<AgentMessage> ReadAsync(string streamId, StreamPosition from, CancellationToken cancellationToken) =>
            inner.ReadAsync(streamId, from, cancellationToken);
    }
}
