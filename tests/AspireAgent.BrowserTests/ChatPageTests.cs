using System.Collections.Concurrent;
using System.Text.Json;
using AspireAgent.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.BrowserTests;

/// <summary>The chat UI end to end: browser → Blazor WebAssembly → WebSocket → gateway → bus → simulated model.</summary>
[Collection(ChatAppCollection.Name)]
public sealed class ChatPageTests(ChatAppFixture app)
{
    private const float StartupTimeoutMs = 90_000;
    private const int AnswerTimeoutMs = 60_000;

    /// <summary>
    /// Runs in the page: samples the last assistant message every few milliseconds until it stops streaming,
    /// so the growth of the text is observed where it happens rather than through round trips to the browser.
    /// </summary>
    private const string SampleAnswerScript = """
        async (timeoutMs) => {
          const lengths = [];
          const deadline = performance.now() + timeoutMs;
          while (performance.now() < deadline) {
            const all = document.querySelectorAll('[data-testid="assistant-message"]');
            const last = all[all.length - 1];
            if (last) {
              const text = last.querySelector('[data-testid="assistant-text"]').textContent;
              lengths.push(text.length);
              const state = last.dataset.state;
              if (state !== 'Waiting' && state !== 'Streaming') {
                return { lengths, state, text: last.dataset.text ?? null, fullContent: last.dataset.fullContent ?? null,
                         chunkCount: last.dataset.chunkCount ?? null, chunksReceived: last.dataset.chunksReceived ?? null,
                         simulated: last.querySelector('[data-testid="simulated-note"]') !== null,
                         error: last.querySelector('[data-testid="turn-error"]')?.textContent ?? null };
              }
            }
            await new Promise(resolve => setTimeout(resolve, 5));
          }
          return { lengths, state: 'timeout', text: null, fullContent: null, chunkCount: null, chunksReceived: null, simulated: false, error: null };
        }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_answer_streams_into_the_page_in_steps_and_ends_with_the_full_text()
    {
        var page = await OpenChatAsync();

        var answer = await SendAndSampleAsync(page, "Explain how WebSocket streaming works.");

        Assert.True(answer.State == "Complete", $"The answer ended as {answer.State} ({answer.Error}).\n{app.HostOutput}");
        Assert.False(string.IsNullOrEmpty(answer.Text));
        var steps = answer.Lengths.Where(l => l > 0 && l < answer.Lengths[^1]).Distinct().Count();
        Assert.True(steps >= 2, $"The text appeared in {steps} intermediate step(s) before the final one; lengths seen: {string.Join(",", answer.Lengths.Distinct())}.");
        Assert.Equal(answer.FullContent, answer.Text);
        Assert.Equal(answer.ChunkCount, answer.ChunksReceived);
        Assert.True(answer.Simulated, "The standalone host answers with the simulated model, so the note must show.");
        await Expect(page.GetByTestId("simulated-note").Last).ToBeVisibleAsync();

        var token = await page.EvaluateAsync<string?>("() => localStorage.getItem('aspireagent.identityToken')");
        Assert.False(string.IsNullOrEmpty(token), "The identity token from welcome is persisted for the next hello.");

        await Screenshots.TakeAsync(page, "chat", fullPage: true);
    }

    [Fact]
    public async Task Stop_interrupts_the_streaming_answer()
    {
        var page = await app.Browser.NewPageAsync();
        var sent = new ConcurrentQueue<string>();
        page.WebSocket += (_, socket) => socket.FrameSent += (_, frame) => sent.Enqueue(frame.Text ?? "");
        await OpenChatAsync(page);
        await page.GetByTestId("message-input").FillAsync("Give me a long answer.");
        await page.GetByTestId("send").ClickAsync();
        var answer = page.GetByTestId("assistant-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "Streaming", new() { Timeout = AnswerTimeoutMs });
        var streamId = await answer.GetAttributeAsync("data-stream-id");

        await page.GetByTestId("stop").ClickAsync();

        var interrupt = await WaitForAsync(() => sent.Select(ParseControl).FirstOrDefault(c => c?.Action == "interrupt"));
        Assert.Equal(streamId, interrupt.StreamId);

        // The worker stops the model; the stream still ends properly, carrying exactly what was shown.
        await Expect(answer).ToHaveAttributeAsync("data-state", "Interrupted", new() { Timeout = AnswerTimeoutMs });
        Assert.Equal(await answer.GetAttributeAsync("data-full-content"), await answer.GetAttributeAsync("data-text"));
        await page.GetByTestId("message-input").FillAsync("And now?");
        await Expect(page.GetByTestId("send")).ToBeEnabledAsync();
    }

    [Theory]
    [InlineData("MessagePack")]
    [InlineData("Protobuf")]
    [InlineData("Json")]
    public async Task Changing_the_encoding_reconnects_and_answers_in_it(string encoding)
    {
        var page = await OpenChatAsync();

        await page.GetByTestId("encoding").SelectOptionAsync(encoding);
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-encoding", encoding, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected");
        var answer = await SendAndSampleAsync(page, $"Say something in {encoding}.");

        Assert.True(answer.State == "Complete", $"The answer over {encoding} ended as {answer.State} ({answer.Error}).\n{app.HostOutput}");
        Assert.Equal(answer.FullContent, answer.Text);

        await page.ReloadAsync();
        await Expect(page.GetByTestId("encoding")).ToHaveValueAsync(encoding, new() { Timeout = StartupTimeoutMs });
    }

    private async Task<IPage> OpenChatAsync(IPage? page = null)
    {
        page ??= await app.Browser.NewPageAsync();
        await page.GotoAsync(app.Url.ToString());
        await Expect(page.GetByTestId("connection-state"))
            .ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });
        return page;
    }

    private static async Task<AnswerSample> SendAndSampleAsync(IPage page, string text)
    {
        await page.GetByTestId("message-input").FillAsync(text);

        // Started before the click so that not even the first chunk can render unobserved.
        var sampling = page.EvaluateAsync<JsonElement>(SampleAnswerScript, AnswerTimeoutMs);
        await page.GetByTestId("send").ClickAsync();
        return AnswerSample.From(await sampling.WaitAsync(TimeSpan.FromMilliseconds(AnswerTimeoutMs + 10_000), Ct));
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(AnswerTimeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(25, Ct);
        }

        throw new TimeoutException($"Nothing matched within {AnswerTimeoutMs} ms.");
    }

    /// <summary>A JSON-encoded control frame as the page sent it, or null for any other frame.</summary>
    private static SentControl? ParseControl(string frame)
    {
        try
        {
            using var json = JsonDocument.Parse(frame);
            var root = json.RootElement;
            return root.TryGetProperty("type", out var type) && type.GetString() == "control"
                ? new SentControl(
                    root.GetProperty("action").GetString(),
                    root.TryGetProperty("payload", out var payload) && payload.TryGetProperty("streamId", out var id) ? id.GetString() : null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record SentControl(string? Action, string? StreamId);

    private sealed record AnswerSample(int[] Lengths, string State, string? Text, string? FullContent, string? ChunkCount, string? ChunksReceived, bool Simulated, string? Error)
    {
        public static AnswerSample From(JsonElement json) => new(
            [.. json.GetProperty("lengths").EnumerateArray().Select(l => l.GetInt32())],
            json.GetProperty("state").GetString()!,
            json.GetProperty("text").GetString(),
            json.GetProperty("fullContent").GetString(),
            json.GetProperty("chunkCount").GetString(),
            json.GetProperty("chunksReceived").GetString(),
            json.GetProperty("simulated").GetBoolean(),
            json.GetProperty("error").GetString());
    }
}
