using AspireAgent.IntegrationTests.Inference;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>
/// The whole path with a real model client: WebSocket → gateway → bus → worker → OllamaSharp → an
/// Ollama-protocol peer, and back.
/// </summary>
public sealed class OllamaThroughGatewayTests
{
    private static readonly string[] PeerTokens = ["Web", "Sockets", " keep", " one", " TCP", " connection", " open", "."];

    private static Dictionary<string, string?> Settings(Uri ollama, int maxChars = 4) => new()
    {
        ["Inference:Provider"] = "Ollama",
        ["Inference:Ollama:Endpoint"] = ollama.ToString(),
        ["Inference:Ollama:Model"] = "llama3.2",
        ["Inference:Batching:MaxChars"] = maxChars.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Inference:Batching:MaxDelay"] = "00:00:30",
    };

    [Fact]
    public async Task The_client_sees_the_peers_tokens_batched_as_configured()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await FakeOllamaServer.StartAsync(x => x.StreamAsync(PeerTokens, promptEvalCount: 9, evalCount: PeerTokens.Length), ct);
        await using var gateway = await TestGateway.StartAsync(Settings(ollama.Endpoint, maxChars: 6));
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, WireEncoding.MessagePack);

        var answer = await client.AskAsync("conv-ollama", "How do WebSockets work?");

        Assert.Equal("llama3.2", answer.Start.Model);
        Assert.False(answer.Start.Simulated);
        Assert.Equal(string.Concat(PeerTokens), answer.End.FullContent);
        Assert.Equal(answer.End.FullContent, answer.Concatenated);
        Assert.All(answer.Chunks.SkipLast(1), c => Assert.True(c.Delta.Length >= 6, $"'{c.Delta}' was flushed before 6 chars"));
        Assert.True(answer.Chunks.Count < PeerTokens.Length, "tokens were not batched");
        Assert.Equal(new Usage { PromptTokens = 9, CompletionTokens = PeerTokens.Length, TimeToFirstTokenMs = answer.End.Usage.TimeToFirstTokenMs, DurationMs = answer.End.Usage.DurationMs }, answer.End.Usage);
        Assert.Equal("How do WebSockets work?", ollama.Requests.Single().GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Interrupt_aborts_the_model_request_and_ends_with_interrupted_and_the_partial_text()
    {
        var ct = TestContext.Current.CancellationToken;
        var aborted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var ollama = await FakeOllamaServer.StartAsync(async x =>
        {
            await x.SendTokensAsync(PeerTokens.Take(4));
            aborted.TrySetResult(await x.WaitForClientAbortAsync(ct));
        }, ct);
        await using var gateway = await TestGateway.StartAsync(Settings(ollama.Endpoint, maxChars: 1));
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        var question = client.UserMessage("conv-stop", "Talk for a long time");
        await client.SendAsync(question);
        var start = await client.ReceiveAsync<AssistantStart>();
        var chunks = new List<AssistantChunk>();
        while (chunks.Count < 4)
        {
            chunks.Add(await client.ReceiveAsync<AssistantChunk>());
        }

        await client.SendAsync(client.Control(ControlActions.Interrupt, new Dictionary<string, string> { [ControlKeys.StreamId] = start.StreamId }));
        var end = await client.ReceiveAsync<AssistantEnd>();

        Assert.True(await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct), "the Ollama peer did not see its request aborted");
        Assert.Equal(FinishReason.Interrupted, end.FinishReason);
        Assert.Equal(string.Concat(PeerTokens.Take(4)), end.FullContent);
        Assert.Equal(string.Concat(chunks.Select(c => c.Delta)), end.FullContent);
    }

    [Fact]
    public async Task Only_the_owner_may_interrupt_a_stream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await FakeOllamaServer.StartAsync(async x =>
        {
            await x.SendTokensAsync(PeerTokens.Take(2));
            await Task.Delay(TimeSpan.FromMilliseconds(300), x.Context.RequestAborted);
            await x.StreamAsync(PeerTokens.Skip(2), 3, PeerTokens.Length);
        }, ct);
        await using var gateway = await TestGateway.StartAsync(Settings(ollama.Endpoint, maxChars: 1));
        await using var owner = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        await using var stranger = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        await owner.SendAsync(owner.UserMessage("conv-owned", "Go"));
        var start = await owner.ReceiveAsync<AssistantStart>();
        await stranger.SendAsync(stranger.Control(ControlActions.Interrupt, new Dictionary<string, string> { [ControlKeys.StreamId] = start.StreamId }));
        var refused = await stranger.ReceiveAsync<ErrorMessage>();
        var end = await owner.ReceiveAsync<AssistantEnd>();

        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Equal(FinishReason.Stop, end.FinishReason);
        Assert.Equal(string.Concat(PeerTokens), end.FullContent);
    }
}
