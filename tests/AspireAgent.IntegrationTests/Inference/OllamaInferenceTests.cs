using System.Globalization;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Inference;

/// <summary>
/// The worker with the real OllamaSharp client and HTTP pipeline, against an in-test server speaking
/// Ollama's streaming protocol on loopback, driven through the bus as the gateway drives it.
/// </summary>
public sealed class OllamaInferenceTests
{
    private static readonly string[] Tokens = ["He", "llo", ",", " wor", "ld", "!", " How", " are", " you", "?"];

    [Fact]
    public async Task Streams_the_peer_tokens_through_the_bus_in_batches()
    {
        using var deadline = Deadline();
        await using var ollama = await FakeOllamaServer.StartAsync(e => e.StreamAsync(Tokens, promptEvalCount: 26, evalCount: Tokens.Length), deadline.Token);
        await using var host = await InferenceTestHost.StartAsync(Settings(ollama, maxChars: 4), deadline.Token);

        var request = await host.AskAsync("Hello there", deadline.Token);
        var answer = await host.ReadAnswerAsync(request.StreamId, deadline.Token);

        Assert.Equal("llama3.2", answer.Start.Model);
        Assert.False(answer.Start.Simulated);
        Assert.Equal(request.UserMessageId, answer.Start.ReplyTo);
        Assert.Equal(request.ConversationId, answer.Start.ConversationId);
        Assert.Equal(string.Concat(Tokens), answer.End.FullContent);
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal(26, answer.End.Usage.PromptTokens);
        Assert.Equal(Tokens.Length, answer.End.Usage.CompletionTokens);

        // MaxChars = 4 with a delay that never expires: only size and the end flush.
        Assert.InRange(answer.Chunks.Count, 2, Tokens.Length - 1);
        Assert.All(answer.Deltas.SkipLast(1), delta => Assert.True(delta.Length >= 4, $"'{delta}' is shorter than MaxChars"));

        var sent = Assert.Single(ollama.Requests);
        Assert.Equal("llama3.2", sent.GetProperty("model").GetString());
        Assert.True(sent.GetProperty("stream").GetBoolean());
        var message = Assert.Single(sent.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Equal("Hello there", message.GetProperty("content").GetString());

        var turn = await host.Turns.CompletedAsync(request.StreamId).WaitAsync(deadline.Token);
        Assert.Equal(answer.End.FullContent, turn?.Content);
    }

    [Fact]
    public async Task Retries_a_503_before_the_response_starts_and_reads_the_aspire_connection_string()
    {
        using var deadline = Deadline();
        await using var ollama = await FakeOllamaServer.StartAsync(
            e => e.Attempt == 1 ? e.FailAsync(503) : e.StreamAsync(Tokens, promptEvalCount: 12, evalCount: Tokens.Length),
            deadline.Token);
        var settings = Settings(ollama, maxChars: 4);
        settings.Remove("Inference:Ollama:Endpoint");
        settings["ConnectionStrings:ollama"] = $"Endpoint={ollama.Endpoint};Model=phi3";
        await using var host = await InferenceTestHost.StartAsync(settings, deadline.Token);

        var request = await host.AskAsync("Are you there?", deadline.Token);
        var answer = await host.ReadAnswerAsync(request.StreamId, deadline.Token);

        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal(string.Concat(Tokens), answer.End.FullContent);
        Assert.Equal("phi3", answer.Start.Model);
        Assert.Equal(2, ollama.Requests.Count);
        Assert.All(ollama.Requests, sent => Assert.Equal("phi3", sent.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task A_stream_broken_midway_is_not_retried_and_ends_with_error_and_the_partial_content()
    {
        using var deadline = Deadline();
        var breakNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var ollama = await FakeOllamaServer.StartAsync(async e =>
        {
            await e.SendTokensAsync(["Partial", " answer", " then"]);
            await breakNow.Task.WaitAsync(e.Context.RequestAborted);
            e.Context.Abort();
        }, deadline.Token);
        await using var host = await InferenceTestHost.StartAsync(Settings(ollama, maxChars: 1), deadline.Token);

        var request = await host.AskAsync("Break please", deadline.Token);
        var events = new List<AgentMessage>();
        await foreach (var message in host.Streams.ReadAsync(request.StreamId, Bus.StreamPosition.Beginning, deadline.Token))
        {
            events.Add(message);
            if (events.OfType<AssistantChunk>().Count() == 3)
            {
                // Everything sent so far has reached the bus; now the connection breaks.
                breakNow.TrySetResult();
            }
        }

        var answer = new Answer(events);
        Assert.Equal(FinishReason.Error, answer.End.FinishReason);
        Assert.Equal("Partial answer then", answer.End.FullContent);
        Assert.Single(ollama.Requests);
        Assert.Equal("Partial answer then", (await host.Turns.CompletedAsync(request.StreamId).WaitAsync(deadline.Token))?.Content);
    }

    [Fact]
    public async Task Shutdown_aborts_the_model_request_and_still_ends_the_stream()
    {
        using var deadline = Deadline();
        var clientAborted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var ollama = await FakeOllamaServer.StartAsync(async e =>
        {
            await e.SendTokensAsync(["Half", " done"]);
            clientAborted.TrySetResult(await e.WaitForClientAbortAsync(deadline.Token));
        }, deadline.Token);
        await using var host = await InferenceTestHost.StartAsync(Settings(ollama, maxChars: 1), deadline.Token);

        var request = await host.AskAsync("Take forever", deadline.Token);
        var events = new List<AgentMessage>();
        var stopping = Task.CompletedTask;
        await foreach (var message in host.Streams.ReadAsync(request.StreamId, Bus.StreamPosition.Beginning, deadline.Token))
        {
            events.Add(message);
            if (events.OfType<AssistantChunk>().Count() == 2 && message is AssistantChunk)
            {
                // The model now stalls mid-answer, as a slow model would.
                stopping = host.StopAsync(deadline.Token);
            }
        }

        await stopping;
        var answer = new Answer(events);
        Assert.Equal(FinishReason.Error, answer.End.FinishReason);
        Assert.Equal("Half done", answer.End.FullContent);
        Assert.True(await clientAborted.Task.WaitAsync(deadline.Token), "the HTTP request to the model was not aborted");
        Assert.Single(ollama.Requests);
    }

    [Fact]
    public async Task A_stream_outlasting_the_headers_timeout_is_not_cut()
    {
        using var deadline = Deadline();
        await using var ollama = await FakeOllamaServer.StartAsync(async e =>
        {
            await e.SendTokensAsync(["Slow"]);

            // A model pausing mid-answer for longer than the attempt timeout; only wall-clock time can show
            // that the timeout stopped applying once the response started.
            await Task.Delay(TimeSpan.FromMilliseconds(600), e.Context.RequestAborted);
            await e.StreamAsync([" but", " complete"], promptEvalCount: 3, evalCount: 3);
        }, deadline.Token);
        var settings = Settings(ollama, maxChars: 1);
        settings["Inference:Ollama:ResponseHeadersTimeout"] = "00:00:00.200";
        await using var host = await InferenceTestHost.StartAsync(settings, deadline.Token);

        var request = await host.AskAsync("Pause midway", deadline.Token);
        var answer = await host.ReadAnswerAsync(request.StreamId, deadline.Token);

        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal("Slow but complete", answer.End.FullContent);
        Assert.Single(ollama.Requests);
    }

    [Fact]
    public async Task Answers_as_many_requests_at_once_as_the_configured_concurrency()
    {
        using var deadline = Deadline();
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var ollama = await FakeOllamaServer.StartAsync(async e =>
        {
            if (e.Attempt == 2)
            {
                bothArrived.TrySetResult();
            }

            // Neither answer starts until both requests are in flight.
            await bothArrived.Task.WaitAsync(e.Context.RequestAborted);
            await e.StreamAsync([$"Answer {e.Attempt}"], promptEvalCount: 1, evalCount: 1);
        }, deadline.Token);
        await using var host = await InferenceTestHost.StartAsync(Settings(ollama, maxChars: 4), deadline.Token);

        var first = await host.AskAsync("One", deadline.Token);
        var second = await host.AskAsync("Two", deadline.Token);
        var answers = await Task.WhenAll(
            host.ReadAnswerAsync(first.StreamId, deadline.Token),
            host.ReadAnswerAsync(second.StreamId, deadline.Token));

        Assert.All(answers, answer => Assert.Equal(FinishReason.Stop, answer.End.FinishReason));
        Assert.Equal(["Answer 1", "Answer 2"], answers.Select(a => a.End.FullContent).Order());
    }

    private static Dictionary<string, string?> Settings(FakeOllamaServer ollama, int maxChars) => new()
    {
        ["Inference:Ollama:Endpoint"] = ollama.Endpoint.ToString(),
        ["Inference:Ollama:RetryDelay"] = "00:00:00.010",
        ["Inference:Concurrency"] = "2",
        ["Inference:Batching:MaxChars"] = maxChars.ToString(CultureInfo.InvariantCulture),
        ["Inference:Batching:MaxDelay"] = "00:01:00",
    };

    private static CancellationTokenSource Deadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        return deadline;
    }
}
