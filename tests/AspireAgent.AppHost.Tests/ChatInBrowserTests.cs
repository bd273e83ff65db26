using AspireAgent.AppHost.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.AppHost.Tests;

/// <summary>
/// Debian's Chromium opens the chat the web resource serves: the page connects to the gateway replicas through the
/// documented gateway URL (so the Origin check passes for the UI's origin) and an answer streams in whole. Its
/// screenshot is the README's picture of the chat (docs/images/apphost-chat.png).
/// </summary>
[Collection(DistributedAppCollection.Name)]
public sealed class ChatInBrowserTests(DistributedAppFixture app)
{
    private const float TimeoutMs = 90_000;

    [Fact]
    public async Task The_chat_page_served_by_web_streams_an_answer_from_the_gateway_replicas()
    {
        await using var browser = await DocsBrowser.LaunchAsync();
        var page = await browser.NewPageAsync(1280, 800);
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);

        await page.GotoAsync(app.WebUri.ToString());
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = TimeoutMs });
        await page.GetByTestId("message-input").FillAsync("What does the AppHost start?");
        await page.GetByTestId("send").ClickAsync();
        var answer = page.GetByTestId("assistant-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "Complete", new() { Timeout = TimeoutMs });

        // The text as streamed (the page renders it as markdown) equals the answer's fullContent.
        Assert.Equal(await answer.GetAttributeAsync("data-full-content"), await answer.GetAttributeAsync("data-text"));
        await Expect(answer.Locator("h2")).ToBeVisibleAsync();
        Assert.Contains(sockets, url => new Uri(url).Port == app.GatewayUri.Port);
        await DocsBrowser.SaveAsync(page, "apphost-chat.png");
    }
}
