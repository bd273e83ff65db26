using AspireAgent.Bus;
using AspireAgent.Inference;
using AspireAgent.Protocol;
using AspireAgent.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AspireAgent.IntegrationTests.Inference;

/// <summary>
/// A worker process as Program.cs composes it (service defaults, bus, inference worker), configured in memory,
/// and driven the way the gateway drives it: claim, begin the turn, create the stream, submit the request.
/// </summary>
internal sealed class InferenceTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private InferenceTestHost(IHost host) => _host = host;

    public IStreamStore Streams => _host.Services.GetRequiredService<IStreamStore>();

    public TurnRecorder Turns => _host.Services.GetRequiredService<TurnRecorder>();

    public FakeLogCollector Logs => _host.Services.GetFakeLogCollector();

    public static async Task<InferenceTestHost> StartAsync(Dictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddFakeLogging();
        builder.AddServiceDefaults();
        builder.AddAgentBus();
        builder.AddInferenceWorker();
        TurnRecorder.Decorate(builder.Services);

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new InferenceTestHost(host);
    }

    /// <summary>Submits <paramref name="question"/> as the next turn of a conversation (a new one by default).</summary>
    public async Task<ChatRequest> AskAsync(
        string question, CancellationToken cancellationToken, string? conversationId = null, string? traceParent = null)
    {
        var services = _host.Services;
        var conversations = services.GetRequiredService<IConversationStore>();
        var time = services.GetRequiredService<TimeProvider>();
        conversationId ??= MessageIds.New();
        var streamId = MessageIds.New();
        const string owner = "integration-test";

        Assert.NotEqual(ConversationAccess.Forbidden, await conversations.ClaimAsync(conversationId, owner, cancellationToken));
        var history = await conversations.TryBeginTurnAsync(conversationId, streamId, new ChatTurn(TurnRole.User, question), cancellationToken);
        Assert.NotNull(history);
        await Streams.CreateAsync(new StreamInfo
        {
            StreamId = streamId,
            ConversationId = conversationId,
            OwnerId = owner,
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken);

        var request = new ChatRequest
        {
            StreamId = streamId,
            ConversationId = conversationId,
            OwnerId = owner,
            UserMessageId = MessageIds.New(),
            History = history,
            SubmittedAt = time.GetUtcNow(),
            TraceParent = traceParent,
        };
        await services.GetRequiredService<IRequestQueue>().SubmitAsync(request, cancellationToken);
        return request;
    }

    /// <summary>The whole stream, from <c>assistant.start</c> to <c>assistant.end</c>.</summary>
    public async Task<Answer> ReadAnswerAsync(string streamId, CancellationToken cancellationToken)
    {
        var events = new List<AgentMessage>();
        await foreach (var message in Streams.ReadAsync(streamId, StreamPosition.Beginning, cancellationToken))
        {
            events.Add(message);
        }

        return new Answer(events);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _host.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}

/// <summary>A stream as read back from the bus, checked for the invariants every stream must keep.</summary>
internal sealed class Answer
{
    public Answer(IReadOnlyList<AgentMessage> events)
    {
        Start = Assert.IsType<AssistantStart>(events[0]);
        End = Assert.IsType<AssistantEnd>(events[^1]);
        Chunks = events.Skip(1).SkipLast(1).Select(e => Assert.IsType<AssistantChunk>(e)).ToList();

        Assert.Equal(Enumerable.Range(0, Chunks.Count).Select(i => (long)i), Chunks.Select(c => c.Seq));
        Assert.All(Chunks, chunk => Assert.Equal(Start.StreamId, chunk.StreamId));
        Assert.Equal(Start.StreamId, End.StreamId);
        Assert.Equal(Chunks.Count, End.ChunkCount);
        Assert.Equal(string.Concat(Deltas), End.FullContent);
        Assert.InRange(End.Usage.TimeToFirstTokenMs, 0, End.Usage.DurationMs);
    }

    public AssistantStart Start { get; }

    public IReadOnlyList<AssistantChunk> Chunks { get; }

    public IEnumerable<string> Deltas => Chunks.Select(c => c.Delta);

    public AssistantEnd End { get; }
}
