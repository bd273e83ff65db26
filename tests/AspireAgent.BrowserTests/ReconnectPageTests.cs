using System.Text.Json;
using AspireAgent.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.BrowserTests;

/// <summary>
/// Resilience as the user sees it: the page is served through a proxy that cuts every connection, the badge
/// says so and counts down, and the answer carries on after the reconnect as if nothing happened.
/// </summary>
[Collection(ChatAppCollection.Name)]
public sealed class ReconnectPageTests(ChatAppFixture app)
{
    private const float StartupTimeoutMs = 90_000;
    private const float AnswerTimeoutMs = 60_000;

    /// <summary>Records, in the page, every text and state the badge shows, so a short-lived one cannot be missed.</summary>
    private const string RecordBadgeScript = """
        () => {
          window.__badge = [];
          const badge = document.querySelector('[data-testid="connection-state"]');
          const note = () => window.__badge.push({ state: badge.dataset.state, text: badge.textContent.trim() });
          note();
          new MutationObserver(note).observe(badge, { attributes: true, childList: true, characterData: true, subtree: true });
        }
        """;

    [Fact]
    public async Task A_cut_connection_shows_reconnecting_then_connected_and_the_answer_finishes_whole()
    {
        await using var proxy = new CuttingProxy(app.Url);
        var page = await app.Browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{proxy.Port}/");
        var badge = page.GetByTestId("connection-state");
        await Expect(badge).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });
        await page.EvaluateAsync(RecordBadgeScript);

        await page.GetByTestId("message-input").FillAsync("Tell me how resuming works.");
        await page.GetByTestId("send").ClickAsync();
        var answer = page.GetByTestId("assistant-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "Streaming", new() { Timeout = AnswerTimeoutMs });
        await ChatPage.WaitForChunksAsync(answer, 3);

        Assert.True(proxy.CutAll() > 0, "Nothing to cut: the page holds no connection through the proxy.");

        await Expect(badge).ToHaveAttributeAsync("data-state", "Reconnecting", new() { Timeout = 10_000 });
        await Screenshots.TakeAsync(page, "reconnecting");
        await Expect(badge).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = 30_000 });
        await Expect(answer).ToHaveAttributeAsync("data-state", "Complete", new() { Timeout = AnswerTimeoutMs });

        // Whole: exactly the server's text, every chunk once.
        var text = await answer.GetAttributeAsync("data-text");
        Assert.Equal(await answer.GetAttributeAsync("data-full-content"), text);
        Assert.Equal(await answer.GetAttributeAsync("data-chunk-count"), await answer.GetAttributeAsync("data-chunks-received"));

        var shown = (await page.EvaluateAsync<JsonElement>("() => window.__badge")).EnumerateArray()
            .Select(b => (State: b.GetProperty("state").GetString(), Text: b.GetProperty("text").GetString()))
            .ToList();
        var reconnecting = shown.FindIndex(b => b.State == "Reconnecting");
        Assert.True(reconnecting >= 0, $"The badge never said reconnecting: {string.Join(" | ", shown)}");
        Assert.Contains(shown.Skip(reconnecting), b => b.State == "Connected");
        Assert.Contains(shown, b => b.Text is { } t && t.StartsWith("Reconnecting in ", StringComparison.Ordinal) && t.EndsWith("(attempt 1)", StringComparison.Ordinal));
        await Expect(page.GetByTestId("send")).ToBeDisabledAsync(); // empty input; the composer is usable again
        await page.GetByTestId("message-input").FillAsync("Still there?");
        await Expect(page.GetByTestId("send")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Coming_back_online_reconnects_at_once_instead_of_waiting_out_the_backoff()
    {
        await using var proxy = new CuttingProxy(app.Url);
        var page = await app.Browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{proxy.Port}/");
        var badge = page.GetByTestId("connection-state");
        await Expect(badge).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });

        // The network goes: every reconnect attempt fails, and the backoff grows.
        proxy.Retarget(new Uri($"http://127.0.0.1:{StandaloneHost.FreePort()}/")); // refused
        proxy.CutAll();
        await Expect(badge).ToHaveAttributeAsync("data-next-attempt-in", new System.Text.RegularExpressions.Regex("^([3-9]|[1-9][0-9]+)$"), new() { Timeout = 60_000 });
        var secondsLeft = int.Parse((await badge.GetAttributeAsync("data-next-attempt-in"))!, System.Globalization.CultureInfo.InvariantCulture);

        // It comes back, and the browser says so.
        proxy.Retarget(app.Url);
        var started = DateTime.UtcNow;
        await page.EvaluateAsync("() => window.dispatchEvent(new Event('online'))");
        await Expect(badge).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = (secondsLeft - 1) * 1000 });
        var took = DateTime.UtcNow - started;
        Assert.True(took < TimeSpan.FromSeconds(secondsLeft - 1), $"Reconnected after {took.TotalMilliseconds:F0} ms; the backoff had {secondsLeft} s to go.");
        await page.CloseAsync();
    }
}
