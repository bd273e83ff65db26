using System.Text.Json;
using AspireAgent.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.BrowserTests;

/// <summary>Answers rendered as markdown: inert when hostile, and fast enough for a very long one.</summary>
[Collection(ScriptedModelCollection.Name)]
public sealed class MarkdownPageTests(ScriptedModelFixture app)
{
    private const int AnswerTimeoutMs = (int)ChatPage.AnswerTimeoutMs;

    /// <summary>
    /// Runs in the page from before the send: the time the answer's text first shows and the time it is complete,
    /// and the longest gap between animation frames meanwhile (how long the page was unresponsive at worst).
    /// </summary>
    private const string MeasureScript = """
        async (timeoutMs) => {
          const start = performance.now();
          let first = null, maxGap = 0, frames = 0, last = performance.now(), done = false;
          const samples = [];
          const frame = now => { maxGap = Math.max(maxGap, now - last); last = now; frames++; if (!done) requestAnimationFrame(frame); };
          requestAnimationFrame(frame);
          while (performance.now() - start < timeoutMs) {
            const all = document.querySelectorAll('[data-testid="assistant-message"]');
            const answer = all[all.length - 1];
            if (answer && first === null && answer.querySelector('[data-testid="assistant-text"]').textContent.length > 0) first = performance.now();
            if (answer) samples.push([performance.now() - start, Number(answer.dataset.chunksReceived)]);
            if (answer && answer.dataset.state !== 'Waiting' && answer.dataset.state !== 'Streaming') {
              done = true;
              return { state: answer.dataset.state, firstMs: first - start, completeMs: performance.now() - start, maxGapMs: maxGap, frames,
                       chunks: Number(answer.dataset.chunksReceived), text: answer.dataset.text, full: answer.dataset.fullContent, samples };
            }
            await new Promise(resolve => setTimeout(resolve, 10));
          }
          done = true;
          return { state: 'timeout', firstMs: 0, completeMs: 0, maxGapMs: maxGap, frames, chunks: 0, text: null, full: null, samples };
        }
        """;

    [Fact]
    public async Task A_hostile_answer_renders_inert()
    {
        var page = await OpenAsync();
        var dialogs = 0;
        page.Dialog += async (_, dialog) => { dialogs++; await dialog.DismissAsync(); };
        await page.GetByTestId("message-input").FillAsync("Give me a hostile answer");
        await page.GetByTestId("send").ClickAsync();
        var answer = page.GetByTestId("assistant-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "Complete", new() { Timeout = AnswerTimeoutMs });
        var rendered = answer.GetByTestId("assistant-text");

        // Markdown still works: the heading and the code block render, the safe link stays a link.
        await Expect(rendered.Locator("h1")).ToHaveTextAsync("Totally normal answer");
        await Expect(rendered.Locator("pre code")).ToContainTextAsync("<script>window.__pwned = 'code';</script>");
        await Expect(rendered.Locator("a[href='https://example.com/']")).ToHaveTextAsync("safe link");

        // Raw HTML is text, not elements; no link, image or attribute can run script.
        await Expect(rendered).ToContainTextAsync("<script>window.__pwned = 'script';</script>");
        await Expect(rendered).ToContainTextAsync("<img src=\"x\" onerror=");
        Assert.Equal(0, await rendered.Locator("script, img[onerror], iframe, object, embed").CountAsync());
        var dangerous = await rendered.EvaluateAsync<string[]>("""
            root => [...root.querySelectorAll('*')].flatMap(element => [...element.attributes]
              .filter(a => a.name.startsWith('on') || /^\s*javascript:/i.test(a.value.replace(/[\u0000-\u001f\s]/g, '')))
              .map(a => `${element.tagName} ${a.name}=${a.value}`))
            """);
        Assert.Empty(dangerous);
        foreach (var link in await rendered.Locator("a:not([href^='https://'])").AllAsync())
        {
            await link.ClickAsync();
        }

        await Screenshots.TakeAsync(page, "hostile-markdown");
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__pwned ?? null"));
        Assert.Equal(0, dialogs);
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_20000_character_answer_streams_without_the_page_falling_behind()
    {
        var page = await OpenAsync();
        await page.GetByTestId("message-input").FillAsync("Give me a long answer");
        var measuring = page.EvaluateAsync<JsonElement>(MeasureScript, AnswerTimeoutMs);
        await page.GetByTestId("send").ClickAsync();
        var result = await measuring.WaitAsync(TimeSpan.FromMilliseconds(AnswerTimeoutMs + 10_000), TestContext.Current.CancellationToken);
        await Screenshots.TakeAsync(page, "long-answer");

        Assert.Equal("Complete", result.GetProperty("state").GetString());
        var full = result.GetProperty("full").GetString();
        Assert.Equal(ScriptedAnswers.LongAnswerChars, full!.Length);
        Assert.Equal(full, result.GetProperty("text").GetString());
        var (firstMs, completeMs, maxGapMs) = (
            result.GetProperty("firstMs").GetDouble(), result.GetProperty("completeMs").GetDouble(), result.GetProperty("maxGapMs").GetDouble());
        // Rendering time of the second half of the chunks against the first: about 1 when the cost per chunk is
        // constant, about 3 when it grows with the text rendered so far (quadratic in total).
        var chunks = result.GetProperty("chunks").GetInt32();
        var samples = result.GetProperty("samples").EnumerateArray().Select(s => (Ms: s[0].GetDouble(), Chunks: s[1].GetInt32())).ToList();
        var halfMs = samples.First(s => s.Chunks >= chunks / 2).Ms;
        var ratio = (completeMs - halfMs) / (halfMs - firstMs);
        var figure = $"20,000-character answer: first text after {firstMs:F0} ms, complete after {completeMs:F0} ms, {chunks} chunks, "
            + $"second half / first half = {ratio:F2}, longest frame gap {maxGapMs:F0} ms, {result.GetProperty("frames").GetInt32()} frames.";
        TestContext.Current.TestOutputHelper?.WriteLine(figure);
        TestContext.Current.AddAttachment("long-answer-timing", figure);

        // The peer sends the whole answer at once, so it is the page's rendering that sets the pace: a renderer
        // that re-rendered the whole answer per chunk (quadratic) takes tens of seconds here and freezes the page.
        Assert.True(completeMs - firstMs < 45_000, $"The page took {completeMs - firstMs:F0} ms to render the answer once it started.");
        Assert.True(ratio < 2, $"The second half of the answer took {ratio:F2} times as long as the first: {figure}");
        Assert.True(maxGapMs < 2_000, $"The page did not paint for {maxGapMs:F0} ms while the answer streamed.");
        await page.CloseAsync();
    }

    private Task<IPage> OpenAsync() => ChatPage.OpenAsync(app.Browser, app.Url);
}
