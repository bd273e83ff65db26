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

public sealed partial class AnswerGeneratorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;
    private MemoryStreamStore _streams = null!;
    private MemoryConversationStore _conversations = null!;
    private readonly MemoryStreamSignals _signals;

    public AnswerGeneratorTests() => _signals = new MemoryStreamSignals(_time);

    [Fact]
    public async Task Streams_start_chunks_and_end_with_the_model_usage_and_timings_from_submission()
    {
        var model = new ScriptedChatClient(_ => Updates(Text("Hel"), Text("lo"), Text(" world"), Done(ChatFinishReason.Stop, input: 7, output: 3)));
        var generator = Generator(model);
        var lease = await SubmitAsync("Say hello", submittedAgo: TimeSpan.FromMilliseconds(250));

        await generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        var events = await ReadAsync(lease.Request.StreamId);
        var start = Assert.IsType<AssistantStart>(events[0]);
        Assert.Equal("scripted", start.Model);
        Assert.False(start.Simulated);
        Assert.Equal(lease.Request.UserMessageId, start.ReplyTo);
        Assert.Equal(lease.Request.ConversationId, start.ConversationId);

        var chunks = events.OfType<AssistantChunk>().ToList();
        Assert.Equal(["Hel", "lo", " world"], chunks.Select(c => c.Delta));
        Assert.Equal([0L, 1L, 2L], chunks.Select(c => c.Seq));

        var end = Assert.IsType<AssistantEnd>(events[^1]);
        Assert.Equal(FinishReason.Stop, end.FinishReason);
        Assert.Equal("Hello world", end.FullContent);
        Assert.Equal(3, end.ChunkCount);
        Assert.Equal(new Usage { PromptTokens = 7, CompletionTokens = 3, TimeToFirstTokenMs = 250, DurationMs = 250 }, end.Usage);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), end.Timestamp);

        Assert.Equal(1, lease.Completions);
        Assert.Equal([TurnRole.User], model.Prompt!.Select(m => m.Role == ChatRole.User ? TurnRole.User : TurnRole.Assistant));
        Assert.Equal(new ChatTurn(TurnRole.Assistant, "Hello world"), (await NextHistoryAsync(lease.Request))[^2] with { StreamId = null });
    }

    [Fact]
    public async Task Keeps_the_model_length_finish_reason()
    {
        var generator = Generator(new ScriptedChatClient(_ => Updates(Text("cut"), Done(ChatFinishReason.Length))));
        var lease = await SubmitAsync("Go on");

        await generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        Assert.Equal(FinishReason.Length, (await EndAsync(lease)).FinishReason);
    }

    [Fact]
    public async Task Estimates_usage_when_the_model_reports_none()
    {
        var generator = Generator(new ScriptedChatClient(_ => Updates(Text("abcde"))));
        var lease = await SubmitAsync("abcdefgh");

        await generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        var end = await EndAsync(lease);
        Assert.Equal(FinishReason.Stop, end.FinishReason);
        Assert.Equal(2, end.Usage.PromptTokens);
        Assert.Equal(2, end.Usage.CompletionTokens);
    }

    [Fact]
    public async Task A_model_failure_ends_with_error_and_keeps_the_partial_content()
    {
        var generator = Generator(new ScriptedChatClient(_ => Failing(Text("par"), Text("tial"))));
        var lease = await SubmitAsync("Fail midway");

        await generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        var end = await EndAsync(lease);
        Assert.Equal(FinishReason.Error, end.FinishReason);
        Assert.Equal("partial", end.FullContent);
        Assert.Equal(2, end.ChunkCount);
        Assert.Equal(1, lease.Completions);
        Assert.Equal(new ChatTurn(TurnRole.Assistant, "partial"), (await NextHistoryAsync(lease.Request))[^2] with { StreamId = null });
    }

    [Fact]
    public async Task A_failure_before_any_text_ends_empty_and_frees_the_conversation()
    {
        var generator = Generator(new ScriptedChatClient(_ => Failing()));
        var lease = await SubmitAsync("Fail at once");

        await generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);

        var end = await EndAsync(lease);
        Assert.Equal(FinishReason.Error, end.FinishReason);
        Assert.Equal("", end.FullContent);
        Assert.Equal(0, end.ChunkCount);
        Assert.Equal([TurnRole.User, TurnRole.User], (await NextHistoryAsync(lease.Request)).Select(t => t.Role));
    }

    [Fact]
    public async Task The_chunk_limit_ends_with_length_and_cancels_the_model()
    {
        var model = new ScriptedChatClient(ct => Stalling(ct, Text("a"), Text("b"), Text("c"), Text("d")));
        var generator = Generator(model, maxChunks: 2);
        var lease = await SubmitAsync("Too long");

        await generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None).WaitAsync(Wait, _test);

        var end = await EndAsync(lease);
        Assert.Equal(FinishReason.Length, end.FinishReason);
        Assert.Equal("ab", end.FullContent);
        Assert.Equal(2, end.ChunkCount);
        await model.Cancelled.WaitAsync(Wait, _test);
    }

    [Fact]
    public async Task The_byte_limit_ends_with_length_before_the_chunk_that_would_pass_it()
    {
        // 1,024 bytes allowed: two chunks of 500 fit, the third would not.
        var delta = new string('x', 500);
        var model = new ScriptedChatClient(ct => Stalling(ct, Text(delta), Text(delta), Text(delta)));
        var generator = Generator(model, maxBytes: 1024, maxChars: 500);
        var lease = await SubmitAsync("Too big");

        await generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None).WaitAsync(Wait, _test);

        var end = await EndAsync(lease);
        Assert.Equal(FinishReason.Length, end.FinishReason);
        Assert.Equal(delta + delta, end.FullContent);
        Assert.Equal(2, end.ChunkCount);
        await model.Cancelled.WaitAsync(Wait, _test);
    }

    [Fact]
    public async Task The_answer_deadline_ends_with_length_on_the_injected_clock()
    {
        var model = new ScriptedChatClient(ct => Stalling(ct, Text("slow")));
        var generator = Generator(model, maxAnswerDuration: TimeSpan.FromSeconds(10));
        var lease = await SubmitAsync("Take your time");

        var generating = generator.GenerateAsync(lease, CancellationToken.None, CancellationToken.None);
        await FirstChunkAsync(lease);
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.False(generating.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await generating.WaitAsync(Wait, _test);

        var end = await EndAsync(lease);
        Assert.Equal(FinishReason.Length, end.FinishReason);
        Assert.Equal("slow", end.FullContent);
        Assert.True(model.Cancelled.IsCompleted);
    }

    [Fact]
    public async Task Shutdown_cancels_the_model_and_still_ends_the_stream_with_error()
    {
        var model = new ScriptedChatClient(ct => Stalling(ct, Text("half")));
        var generator = Generator(model);
        var lease = await SubmitAsync("Stop midway");
        using var stopping = new CancellationTokenSource();

        var generating = generator.GenerateAsync(lease, stopping.Token, CancellationToken.None);
        await FirstChunkAsync(lease);
        await stopping.CancelAsync();
        await generating.WaitAsync(Wait, _test);

        var end = await EndAsync(lease);
        Assert.Equal(FinishReason.Error, end.FinishReason);
        Assert.Equal("half", end.FullContent);
        Assert.Equal(1, lease.Completions);
        Assert.True(model.Cancelled.IsCompleted);
    }

    private AnswerGenerator Generator(
        IChatClient client, int maxChunks = 1000, TimeSpan? maxAnswerDuration = null, int window = 64, TimeSpan? maxPause = null,
        long maxBytes = 1 << 20, int maxChars = 1)
    {
        var bus = Options.Create(new BusOptions { MaxChunksPerStream = maxChunks, MaxBytesPerStream = maxBytes });
        _streams = new MemoryStreamStore(bus, _time);
        _conversations = new MemoryConversationStore(bus, _time);
        var inference = Options.Create(new InferenceOptions
        {
            Batching = { MaxChars = maxChars, MaxDelay = TimeSpan.FromMinutes(1) },
            MaxAnswerDuration = maxAnswerDuration ?? TimeSpan.FromMinutes(5),
            Backpressure = { Window = window, MaxPause = maxPause ?? TimeSpan.FromMinutes(2) },
        });
        return new AnswerGenerator(
            new InferenceModel(client, "scripted", isSimulated: false, endpoint: null),
            new TokenBatcher(inference, _time),
            _streams,
            TestTurns.Lifecycle(_conversations, _streams, bus, _time),
            _signals,
            inference,
            bus,
            new InferenceMetrics(TestMeters.Factory()),
            _time,
            NullLogger<AnswerGenerator>.Instance);
    }

    private async Task<TestLease> SubmitAsync(string question, TimeSpan submittedAgo = default)
    {
        var conversationId = MessageIds.New();
        var streamId = MessageIds.New();
        await _conversations.ClaimAsync(conversationId, "owner", _test);
        var history = await _conversations.TryBeginTurnAsync(conversationId, streamId, new ChatTurn(TurnRole.User, question), _test);
        await _streams.CreateAsync(new StreamInfo
        {
            StreamId = streamId,
            ConversationId = conversationId,
            OwnerId = "owner",
            CreatedAt = _time.GetUtcNow(),
        }, _test);
        return new TestLease(new ChatRequest
        {
            StreamId = streamId,
            ConversationId = conversationId,
            OwnerId = "owner",
            UserMessageId = MessageIds.New(),
            History = history!,
            SubmittedAt = _time.GetUtcNow() - submittedAgo,
        });
    }

    private async Task<IReadOnlyList<ChatTurn>> NextHistoryAsync(ChatRequest previous) =>
        (await _conversations.TryBeginTurnAsync(
            previous.ConversationId, MessageIds.New(), new ChatTurn(TurnRole.User, "next"), _test))
        ?? throw new InvalidOperationException("The previous turn is still in progress.");

    private async Task<List<AgentMessage>> ReadAsync(string streamId)
    {
        var events = new List<AgentMessage>();
        await foreach (var message in _streams.ReadAsync(streamId, StreamPosition.Beginning, _test))
        {
            events.Add(message);
        }

        return events;
    }

    private async Task<AssistantEnd> EndAsync(TestLease lease) =>
        Assert.IsType<AssistantEnd>((await ReadAsync(lease.Request.StreamId).WaitAsync(Wait, _test))[^1]);

    private async Task FirstChunkAsync(TestLease lease)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_test);
        timeout.CancelAfter(Wait);
        await foreach (var message in _streams.ReadAsync(lease.Request.StreamId, StreamPosition.Beginning, timeout.Token))
        {
            if (message is AssistantChunk)
            {
                return;
            }
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(params ChatResponseUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Failing(params ChatResponseUpdate[] updates)
    {
        await foreach (var update in Updates(updates))
        {
            yield return update;
        }

        throw new InvalidOperationException("The model went away.");
    }

    // Sends its updates, then waits for cancellation as a model that stalls would.
    private static async IAsyncEnumerable<ChatResponseUpdate> Stalling(
        [EnumeratorCancellation] CancellationToken cancellationToken, params ChatResponseUpdate[] updates)
    {
        await foreach (var update in Updates(updates))
        {
            yield return update;
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
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
