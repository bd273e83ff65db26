using System.Text.RegularExpressions;
using AspireAgent.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.BrowserTests;

/// <summary>The chat a user keeps: reloads, the conversation list, the keyboard, a phone.</summary>
[Collection(ScriptedModelCollection.Name)]
public sealed partial class ConversationPageTests(ScriptedModelFixture app)
{
    private const float StartupTimeoutMs = ChatPage.StartupTimeoutMs;
    private const float AnswerTimeoutMs = ChatPage.AnswerTimeoutMs;

    [Theory]
    [InlineData("Json")]
    [InlineData("MessagePack")]
    [InlineData("Protobuf")]
    public async Task A_reload_mid_answer_resumes_it_whole_and_a_reload_after_it_keeps_the_history(string encoding)
    {
        var page = await OpenAsync();
        if (encoding != "Json")
        {
            await page.GetByTestId("encoding").SelectOptionAsync(encoding);
        }

        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-encoding", encoding, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected");
        var question = $"slow question over {encoding}";
        await page.GetByTestId("message-input").FillAsync(question);
        await page.GetByTestId("send").ClickAsync();
        var answer = page.GetByTestId("assistant-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "Streaming", new() { Timeout = AnswerTimeoutMs });
        await ChatPage.WaitForChunksAsync(answer, 8);
        var streamId = await answer.GetAttributeAsync("data-stream-id");
        var shown = await answer.GetByTestId("assistant-text").TextContentAsync() ?? "";
        await Screenshots.TakeAsync(page, $"reload-mid-answer-before-{encoding}");

        await page.ReloadAsync();
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });
        await Expect(page.GetByTestId("user-message")).ToHaveTextAsync([question], new() { Timeout = 30_000 });
        answer = page.GetByTestId("assistant-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-stream-id", streamId!);
        await Expect(answer).ToHaveAttributeAsync("data-state", "Complete", new() { Timeout = AnswerTimeoutMs });
        await Screenshots.TakeAsync(page, $"reload-mid-answer-after-{encoding}");

        // Whole: the server's text exactly, every chunk once, and it starts with what was on screen before the reload.
        var full = await answer.GetAttributeAsync("data-full-content");
        Assert.Equal(full, await answer.GetAttributeAsync("data-text"));
        Assert.Equal(await answer.GetAttributeAsync("data-chunk-count"), await answer.GetAttributeAsync("data-chunks-received"));
        var finished = await answer.GetByTestId("assistant-text").TextContentAsync() ?? "";
        Assert.StartsWith(Squeeze(shown).TrimEnd(), Squeeze(finished), StringComparison.Ordinal);

        await page.ReloadAsync();
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });
        await Expect(page.GetByTestId("user-message")).ToHaveTextAsync([question], new() { Timeout = 30_000 });
        answer = page.GetByTestId("assistant-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "Complete");
        await Expect(answer).ToHaveAttributeAsync("data-text", full!);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_keyboard_drives_the_composer_and_the_sidebar_switches_and_deletes_conversations()
    {
        var page = await OpenAsync();
        var input = page.GetByTestId("message-input");
        await Expect(input).ToBeFocusedAsync(); // focus at load: typing just works

        await page.Keyboard.TypeAsync("quick first line");
        await page.Keyboard.PressAsync("Shift+Enter");
        await page.Keyboard.TypeAsync("second line");
        Assert.Equal("quick first line\nsecond line", await input.InputValueAsync());
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("user-message")).ToHaveTextAsync(["quick first line\nsecond line"]);
        await Expect(input).ToHaveValueAsync("");
        await Expect(page.GetByTestId("assistant-message").Last).ToHaveAttributeAsync("data-state", "Complete", new() { Timeout = AnswerTimeoutMs });

        // Escape stops the answer, from the composer where the focus stays.
        await Expect(input).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("slow, then stop");
        await page.Keyboard.PressAsync("Enter");
        var stopped = page.GetByTestId("assistant-message").Last;
        await Expect(stopped).ToHaveAttributeAsync("data-state", "Streaming", new() { Timeout = AnswerTimeoutMs });
        await page.Keyboard.PressAsync("Escape");
        await Expect(stopped).ToHaveAttributeAsync("data-state", "Interrupted", new() { Timeout = 10_000 });

        // The first conversation is listed with its title; a new one joins it; switching shows each one's history.
        var items = page.GetByTestId("conversation-item");
        await Expect(items).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Expect(items.First).ToContainTextAsync("quick first line");
        await page.GetByTestId("new-conversation").ClickAsync();
        await Expect(page.GetByTestId("user-message")).ToHaveCountAsync(0);
        await input.FillAsync("quick second conversation");
        await input.PressAsync("Enter");
        await Expect(page.GetByTestId("assistant-message").Last).ToHaveAttributeAsync("data-state", "Complete", new() { Timeout = AnswerTimeoutMs });
        await Expect(items).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await Expect(items.First).ToContainTextAsync("quick second conversation"); // most recent first

        await items.Nth(1).GetByTestId("open-conversation").ClickAsync();
        await Expect(page.GetByTestId("user-message")).ToHaveTextAsync(["quick first line\nsecond line", "slow, then stop"]);
        await Screenshots.TakeAsync(page, "sidebar");

        // Deleted on the server too: a reload lists only the other one.
        await items.First.GetByTestId("delete-conversation").ClickAsync();
        await Expect(items).ToHaveCountAsync(1);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });
        await Expect(page.GetByTestId("conversation-item")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("conversation-item").First).ToContainTextAsync("quick first line");
        await page.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_nothing_overflows_and_stop_and_the_drawer_are_reachable()
    {
        var page = await app.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new() { Width = 390, Height = 844 }, HasTouch = true });
        await OpenAsync(page);
        await page.GetByTestId("message-input").FillAsync("slow answer on a phone");
        await page.GetByTestId("send").ClickAsync();
        var answer = page.GetByTestId("assistant-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "Streaming", new() { Timeout = AnswerTimeoutMs });
        await ChatPage.WaitForChunksAsync(answer, 20); // the code block is on screen: the widest thing an answer has

        foreach (var width in (int[])[360, 414, 390])
        {
            await page.SetViewportSizeAsync(width, 844);
            var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
            var (scrollWidth, innerWidth) = (widths[0], widths[1]);
            Assert.True(scrollWidth <= innerWidth, $"At {width} px the page is {scrollWidth} px wide (viewport {innerWidth}).");
            await Expect(page.GetByTestId("stop")).ToBeInViewportAsync();
            await Expect(page.GetByTestId("encoding")).ToBeInViewportAsync();
        }

        await Screenshots.TakeAsync(page, "phone-390x844-streaming");
        await page.GetByTestId("stop").ClickAsync(new() { Trial = true }); // nothing covers it
        await page.GetByTestId("stop").TapAsync();
        await Expect(answer).ToHaveAttributeAsync("data-state", "Interrupted", new() { Timeout = 10_000 });

        await page.GetByTestId("menu").TapAsync();
        await Expect(page.GetByTestId("sidebar")).ToBeInViewportAsync(new() { Ratio = 0.9f });
        await Expect(page.GetByTestId("conversation-item")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Screenshots.TakeAsync(page, "phone-390x844-drawer");
        await page.GetByTestId("new-conversation").TapAsync();
        await Expect(page.GetByTestId("sidebar")).Not.ToBeInViewportAsync();
        await page.CloseAsync();
    }

    private Task<IPage> OpenAsync(IPage? page = null) => ChatPage.OpenAsync(app.Browser, app.Url, page);

    /// <summary>Rendered text with runs of whitespace as one space: block boundaries may render a newline more or less.</summary>
    private static string Squeeze(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
