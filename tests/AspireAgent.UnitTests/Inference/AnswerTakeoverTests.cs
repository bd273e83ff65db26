using AspireAgent.Inference.Diagnostics;
using AspireAgent.UnitTests.Infrastructure;
using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Inference;
using AspireAgent.Inference.Batching;
using AspireAgent.Inference.Generation;
using AspireAgent.Inference.Models;
using AspireAgent.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AspireAgent.UnitTests.Inference.ScriptedChatClient;

namespace AspireAgent.UnitTests.Inference;

/// <summary>
/// What a worker does with a request another worker died on (a durable bus re-hands it): it fences the
/// dead one out, resets a half-written stream and answers again, and never writes text twice into one answer.
/// </summary>
public sealed class AnswerTakeoverTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;
    private readonly MemoryStreamStore _streams;
    private readonly MemoryConversationStore _conversations;
    private readonly MemoryStreamSignals _signals;
    private readonly IOptions<BusOptions> _bus = Options.Create(new BusOptions());

    public AnswerTakeoverTests()
    {
        _streams = new MemoryStreamStore(_bus, _time);
        _conversations = new MemoryConversationStore(_bus, _time);
        _signals = new MemoryStreamSignals(_time);
    }

    [Fact]
    public async Task A_half_written_stream_gets_a_reset_then_the_whole_answer_with_seqs_counting_on()
    {
        var lease = await SubmitAsync("Explain streams");
        await DeadWorkerWroteAsync(lease, "Dead ", "worker ");

        await Generator(Scripted("New ", "answer.")).GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        var events = await ReadAsync(lease.Request.StreamId);
        Assert.Equal(
            ["assistant.start", "assistant.chunk", "assistant.chunk", "control", "assistant.chunk", "assistant.chunk", "assistant.end"],
            events.Select(e => e.Type));
        Assert.True(StreamReset.TryRead(events[3], out var resetSeq));
        Assert.Equal(2, resetSeq);
        Assert.Equal("2", ((ControlMessage)events[3]).Get(ControlKeys.Attempt));
        Assert.Equal([0L, 1L, 2L, 3L], events.OfType<AssistantChunk>().Select(c => c.Seq));

        var end = Assert.IsType<AssistantEnd>(events[^1]);
        Assert.Equal("New answer.", end.FullContent);
        Assert.Equal(4, end.ChunkCount);
        Assert.Equal(FinishReason.Stop, end.FinishReason);
        Assert.Equal(1, lease.Completions);
        Assert.Equal(new ChatTurn(TurnRole.Assistant, "New answer."), (await NextHistoryAsync(lease.Request))[^2] with { StreamId = null });
    }

    [Fact]
    public async Task A_stream_started_without_chunks_continues_without_a_reset()
    {
        var lease = await SubmitAsync("Explain streams");
        await DeadWorkerWroteAsync(lease);

        await Generator(Scripted("Only ", "this.")).GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        var events = await ReadAsync(lease.Request.StreamId);
        Assert.Equal(["assistant.start", "assistant.chunk", "assistant.chunk", "assistant.end"], events.Select(e => e.Type));
        Assert.Equal("Only this.", ((AssistantEnd)events[^1]).FullContent);
    }

    [Fact]
    public async Task A_stream_that_had_ended_only_gets_its_turn_and_lease_completed()
    {
        var lease = await SubmitAsync("Explain streams");
        var producer = await DeadWorkerWroteAsync(lease, "Done.");
        await _streams.AppendAsync(producer, End(lease, "Done.", 1), _test);
        var model = Scripted("never");

        await Generator(model).GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        Assert.Null(model.Prompt);
        Assert.Equal(3, (await ReadAsync(lease.Request.StreamId)).Count);
        Assert.Equal(1, lease.Completions);
        Assert.Equal(new ChatTurn(TurnRole.Assistant, "Done."), (await NextHistoryAsync(lease.Request))[^2] with { StreamId = null });
    }

    [Fact]
    public async Task A_worker_presumed_dead_is_fenced_out_and_leaves_turn_and_lease_to_its_successor()
    {
        var lease = await SubmitAsync("Explain streams");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new ScriptedChatClient(ct => Gated(release.Task, ct, Text("first "), Text("second")));
        var generating = Generator(slow).GenerateAsync(lease, CancellationToken.None, CancellationToken.None);
        await FirstChunkAsync(lease.Request.StreamId);

        // The successor acquires the stream while the first worker is paused mid-answer.
        var successor = await _streams.AcquireAsync(lease.Request.StreamId, _test);
        release.SetResult();
        await generating.WaitAsync(TimeSpan.FromSeconds(5), _test);

        Assert.Equal(2, successor.Epoch);
        Assert.Equal(0, lease.Completions);
        Assert.Null(await _conversations.TryBeginTurnAsync(lease.Request.ConversationId, "s_other", new ChatTurn(TurnRole.User, "x"), _test));
        var events = await SnapshotAsync(lease.Request.StreamId);
        Assert.Equal(["assistant.start", "assistant.chunk"], events.Select(e => e.Type));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_write_lost_with_the_connection_is_checked_against_the_stream_and_the_answer_goes_on_without_a_reset(bool landed)
    {
        var lease = await SubmitAsync("Explain streams");
        var flaky = new FailingStore(_streams, failAtSeq: 1, landed, times: 1);

        await Generator(Scripted("a", "b", "c"), flaky).GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        var events = await ReadAsync(lease.Request.StreamId);
        Assert.Equal(["assistant.start", "assistant.chunk", "assistant.chunk", "assistant.chunk", "assistant.end"], events.Select(e => e.Type));
        Assert.Equal([0L, 1L, 2L], events.OfType<AssistantChunk>().Select(c => c.Seq));
        Assert.Equal("abc", ((AssistantEnd)events[^1]).FullContent);
        Assert.Equal(1, lease.Completions);
    }

    [Fact]
    public async Task A_write_that_keeps_failing_is_retried_as_a_new_attempt_after_a_reset()
    {
        var lease = await SubmitAsync("Explain streams");
        // The write fails, and so does its retry after the renewal: the attempt is lost.
        var flaky = new FailingStore(_streams, failAtSeq: 1, landed: false, times: 2);

        await Generator(Scripted("a", "b", "c"), flaky).GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        var events = await ReadAsync(lease.Request.StreamId);
        Assert.Equal(
            ["assistant.start", "assistant.chunk", "control", "assistant.chunk", "assistant.chunk", "assistant.chunk", "assistant.end"],
            events.Select(e => e.Type));
        Assert.Equal("2", ((ControlMessage)events[2]).Get(ControlKeys.Attempt));
        Assert.Equal([0L, 1L, 2L, 3L], events.OfType<AssistantChunk>().Select(c => c.Seq));
        Assert.Equal("abc", ((AssistantEnd)events[^1]).FullContent);
        Assert.Equal(4, ((AssistantEnd)events[^1]).ChunkCount);
        Assert.Equal(1, lease.Completions);
    }

    [Fact]
    public async Task Past_the_maximum_attempts_the_answer_ends_with_error_after_a_reset()
    {
        var lease = await SubmitAsync("Kills every worker");
        await DeadWorkerWroteAsync(lease, "partial");
        await _streams.AcquireAsync(lease.Request.StreamId, _test);
        await _streams.AcquireAsync(lease.Request.StreamId, _test);
        var model = Scripted("never");

        await Generator(model, maxAttempts: 3).GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        Assert.Null(model.Prompt);
        var events = await ReadAsync(lease.Request.StreamId);
        Assert.Equal(["assistant.start", "assistant.chunk", "control", "assistant.end"], events.Select(e => e.Type));
        var end = (AssistantEnd)events[^1];
        Assert.Equal(FinishReason.Error, end.FinishReason);
        Assert.Equal("", end.FullContent);
        Assert.Equal(1, end.ChunkCount);
        Assert.Equal(1, lease.Completions);
    }

    private AnswerGenerator Generator(IChatClient client, IStreamStore? streams = null, int maxAttempts = 3)
    {
        var inference = Options.Create(new InferenceOptions
        {
            Batching = { MaxChars = 1, MaxDelay = TimeSpan.FromMinutes(1) },
            MaxAttempts = maxAttempts,
        });
        return new AnswerGenerator(
            new InferenceModel(client, "scripted", isSimulated: false, endpoint: null),
            new TokenBatcher(inference, _time),
            streams ?? _streams,
            TestTurns.Lifecycle(_conversations, streams ?? _streams, _bus, _time),
            _signals,
            inference,
            _bus,
            new InferenceMetrics(TestMeters.Factory()),
            _time,
            NullLogger<AnswerGenerator>.Instance);
    }

    private static ScriptedChatClient Scripted(params string[] texts) =>
        new(_ => Gated(Task.CompletedTask, CancellationToken.None, texts.Select(Text).ToArray()));

    private static async IAsyncEnumerable<ChatResponseUpdate> Gated(
        Task gate, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, params ChatResponseUpdate[] updates)
    {
        for (var i = 0; i < updates.Length; i++)
        {
            if (i == 1)
            {
                await gate.WaitAsync(cancellationToken);
            }

            await Task.Yield();
            yield return updates[i];
        }
    }

    // What a worker that died mid-answer leaves: the stream started, some chunks, no end, an epoch taken.
    private async Task<StreamProducer> DeadWorkerWroteAsync(TestLease lease, params string[] deltas)
    {
        var request = lease.Request;
        var producer = await _streams.AcquireAsync(request.StreamId, _test);
        await _streams.AppendAsync(producer, new AssistantStart
        {
            Id = MessageIds.New(), Timestamp = 0, ConversationId = request.ConversationId, StreamId = request.StreamId, Model = "scripted",
        }, _test);
        for (var seq = 0; seq < deltas.Length; seq++)
        {
            await _streams.AppendAsync(producer, new AssistantChunk
            {
                Id = MessageIds.New(), Timestamp = 0, StreamId = request.StreamId, Seq = seq, Delta = deltas[seq],
            }, _test);
        }

        return producer;
    }

    private static AssistantEnd End(TestLease lease, string content, long chunks) => new()
    {
        Id = MessageIds.New(),
        Timestamp = 0,
        StreamId = lease.Request.StreamId,
        FullContent = content,
        FinishReason = FinishReason.Stop,
        Usage = new Usage(),
        ChunkCount = chunks,
    };

    private async Task<TestLease> SubmitAsync(string question)
    {
        var conversationId = MessageIds.New();
        var streamId = MessageIds.New();
        await _conversations.ClaimAsync(conversationId, "owner", _test);
        var history = await _conversations.TryBeginTurnAsync(conversationId, streamId, new ChatTurn(TurnRole.User, question), _test);
        await _streams.CreateAsync(new StreamInfo { StreamId = streamId, ConversationId = conversationId, OwnerId = "owner", CreatedAt = _time.GetUtcNow() }, _test);
        return new TestLease(new ChatRequest
        {
            StreamId = streamId,
            ConversationId = conversationId,
            OwnerId = "owner",
            UserMessageId = MessageIds.New(),
            History = history!,
            SubmittedAt = _time.GetUtcNow(),
        });
    }

    private async Task<IReadOnlyList<ChatTurn>> NextHistoryAsync(ChatRequest previous) =>
        (await _conversations.TryBeginTurnAsync(previous.ConversationId, MessageIds.New(), new ChatTurn(TurnRole.User, "next"), _test))
        ?? throw new InvalidOperationException("The previous turn is still in progress.");

    private async Task<List<AgentMessage>> ReadAsync(string streamId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_test);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var events = new List<AgentMessage>();
        await foreach (var message in _streams.ReadAsync(streamId, StreamPosition.Beginning, timeout.Token))
        {
            events.Add(message);
        }

        return events;
    }

    private Task<IReadOnlyList<AgentMessage>> SnapshotAsync(string streamId) => Task.FromResult(_streams.Snapshot(streamId));

    private async Task FirstChunkAsync(string streamId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_test);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await foreach (var message in _streams.ReadAsync(streamId, StreamPosition.Beginning, timeout.Token))
        {
            if (message is AssistantChunk)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A stream store whose appends of one chunk fail <c>times</c> times, after landing or before, as a write lost
    /// with its connection would.
    /// </summary>
    private sealed class FailingStore(IStreamStore inner, long failAtSeq, bool landed, int times) : IStreamStore
    {
        private int _failures;

        public ValueTask CreateAsync(StreamInfo info, CancellationToken cancellationToken) => inner.CreateAsync(info, cancellationToken);

        public ValueTask<StreamInfo?> GetAsync(string streamId, CancellationToken cancellationToken) => inner.GetAsync(streamId, cancellationToken);

        public ValueTask AppendAsync(string streamId, AgentMessage message, CancellationToken cancellationToken) =>
            inner.AppendAsync(streamId, message, cancellationToken);

        public ValueTask<StreamProducer> AcquireAsync(string streamId, CancellationToken cancellationToken) =>
            inner.AcquireAsync(streamId, cancellationToken);

        public ValueTask<StreamProducer> RenewAsync(StreamProducer producer, CancellationToken cancellationToken) =>
            inner.RenewAsync(producer, cancellationToken);

        public async ValueTask AppendAsync(StreamProducer producer, AgentMessage message, CancellationToken cancellationToken)
        {
            var fails = message is AssistantChunk { Seq: var seq } && seq == failAtSeq && _failures < times;
            if (fails && !landed)
            {
                _failures++;
                throw new IOException("The connection to the bus dropped before the write.");
            }

            await inner.AppendAsync(producer, message, cancellationToken);
            if (fails)
            {
                _failures++;
                throw new IOException("The connection to the bus dropped after the write.");
            }
        }

        public async ValueTask AppendBatchAsync(StreamProducer producer, IReadOnlyList<AgentMessage> messages, CancellationToken cancellationToken)
        {
            // A batch lands whole or not at all: it fails as its failing chunk would.
            var fails = messages.Any(m => m is AssistantChunk { Seq: var seq } && seq == failAtSeq) && _failures < times;
            if (fails && !landed)
            {
                _failures++;
                throw new IOException("The connection to the bus dropped before the write.");
            }

            await inner.AppendBatchAsync(producer, messages, cancellationToken);
            if (fails)
            {
                _failures++;
                throw new IOException("The connection to the bus dropped after the write.");
            }
        }

        public IAsyncEnumerable<AgentMessage> ReadAsync(string streamId, StreamPosition from, CancellationToken cancellationToken) =>
            inner.ReadAsync(streamId, from, cancellationToken);
    }

    private sealed class TestLease(ChatRequest request) : RequestLease
    {
        public int Completions { get; private set; }

        public override ChatRequest Request => request;

        public override ValueTask CompleteAsync(CancellationToken cancellationToken)
        {
            Completions++;
            return ValueTask.CompletedTask;
        }
    }
}
