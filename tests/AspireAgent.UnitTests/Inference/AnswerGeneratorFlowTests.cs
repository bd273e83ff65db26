using System.Runtime.CompilerServices;
using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Inference;
using AspireAgent.Inference.Batching;
using AspireAgent.Inference.Diagnostics;
using AspireAgent.UnitTests.Infrastructure;
using AspireAgent.Inference.Generation;
using AspireAgent.Inference.Models;
using AspireAgent.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AspireAgent.UnitTests.Inference.ScriptedChatClient;

namespace AspireAgent.UnitTests.Inference;

/// <summary>Interrupts and backpressure at the producer: the signals a gateway sends back against a stream.</summary>
public sealed partial class AnswerGeneratorTests
{
    [Fact]
    public async Task An_interrupt_cancels_the_model_and_ends_with_interrupted_and_the_partial_text()
    {
        var model = new ScriptedChatClient(Endless);
        var generator = Generator(model);
        var lease = await SubmitAsync("Talk forever");
        var generating = generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);
        await FirstChunkAsync(lease);

        await _signals.InterruptAsync(lease.Request.StreamId, _test);
        await generating.WaitAsync(Wait, _test);

        var events = await ReadAsync(lease.Request.StreamId);
        var end = Assert.IsType<AssistantEnd>(events[^1]);
        Assert.Equal(FinishReason.Interrupted, end.FinishReason);
        Assert.NotEmpty(end.FullContent);
        Assert.Equal(string.Concat(events.OfType<AssistantChunk>().Select(c => c.Delta)), end.FullContent);
        Assert.True(model.Cancelled.IsCompleted);
        Assert.Equal(1, lease.Completions);
    }

    [Fact]
    public async Task An_interrupt_that_arrives_before_the_worker_ends_the_answer_at_once()
    {
        var model = new ScriptedChatClient(Endless);
        var generator = Generator(model);
        var lease = await SubmitAsync("Never mind");
        await _signals.InterruptAsync(lease.Request.StreamId, _test);

        await generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None).WaitAsync(Wait, _test);

        Assert.Equal(FinishReason.Interrupted, (await EndAsync(lease)).FinishReason);
    }

    [Fact]
    public async Task The_producer_pauses_a_window_ahead_of_acknowledgements_and_resumes_on_ack()
    {
        var pulled = 0;
        var model = new ScriptedChatClient(ct => Endless(ct, () => Interlocked.Increment(ref pulled)));
        var generator = Generator(model, window: 3);
        var lease = await SubmitAsync("Stream a lot");
        var generating = generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        await ChunksAsync(lease, 3);
        var pulledWhenPaused = await SettledAsync(() => Volatile.Read(ref pulled));
        Assert.Equal(3, ChunkCount(lease));
        // The model is not pulled past the bounded token buffer: the pause reaches the producer.
        Assert.InRange(pulledWhenPaused, 3, 3 + 256 + 2);

        await _signals.AcknowledgeAsync(lease.Request.StreamId, 1, _test);
        await ChunksAsync(lease, 5);
        await SettledAsync(() => Volatile.Read(ref pulled));
        Assert.Equal(5, ChunkCount(lease));

        await _signals.InterruptAsync(lease.Request.StreamId, _test);
        await generating.WaitAsync(Wait, _test);
        Assert.Equal(FinishReason.Interrupted, (await EndAsync(lease)).FinishReason);
    }

    [Fact]
    public async Task A_pause_longer_than_max_pause_releases_the_model_and_ends_with_error()
    {
        var model = new ScriptedChatClient(Endless);
        var generator = Generator(model, window: 1, maxPause: TimeSpan.FromSeconds(10));
        var lease = await SubmitAsync("Nobody reads this");
        var generating = generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);
        await ChunksAsync(lease, 1);

        // The pause timer is armed on the fake clock once the generator waits; advance until it fires.
        for (var round = 0; round < 100 && !generating.IsCompleted; round++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAny(generating, Task.Delay(20, _test));
        }

        await generating.WaitAsync(Wait, _test);
        var end = await EndAsync(lease);
        Assert.Equal(FinishReason.Error, end.FinishReason);
        Assert.Equal(1, end.ChunkCount);
        Assert.True(model.Cancelled.IsCompleted);
    }

    private static IAsyncEnumerable<ChatResponseUpdate> Endless(CancellationToken cancellationToken) =>
        Endless(cancellationToken, () => 0);

    private static async IAsyncEnumerable<ChatResponseUpdate> Endless(
        [EnumeratorCancellation] CancellationToken cancellationToken, Func<int> onPull)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            onPull();
            yield return Text("ab");
        }
    }

    private int ChunkCount(TestLease lease) => _streams.Snapshot(lease.Request.StreamId).OfType<AssistantChunk>().Count();

    private async Task ChunksAsync(TestLease lease, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_test);
        timeout.CancelAfter(Wait);
        var seen = 0;
        await foreach (var message in _streams.ReadAsync(lease.Request.StreamId, StreamPosition.Beginning, timeout.Token))
        {
            if (message is AssistantChunk && ++seen == count)
            {
                return;
            }
        }
    }

    // Waits until a counter stops moving (bounded), and returns where it settled.
    private async Task<int> SettledAsync(Func<int> read)
    {
        var last = read();
        for (var round = 0; round < 50; round++)
        {
            await Task.Delay(20, _test);
            var now = read();
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        throw new TimeoutException("The producer never settled: it is not paused.");
    }
}
