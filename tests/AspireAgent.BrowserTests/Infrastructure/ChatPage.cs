using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>What the page tests do on the chat page again and again.</summary>
internal static class ChatPage
{
    public const float StartupTimeoutMs = 90_000;
    public const float AnswerTimeoutMs = 60_000;

    /// <summary>Opens the chat (in a new page unless one is given) and waits until it is connected.</summary>
    public static async Task<IPage> OpenAsync(IBrowser browser, Uri url, IPage? page = null)
    {
        page ??= await browser.NewPageAsync();
        await page.GotoAsync(url.ToString());
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });
        return page;
    }

    /// <summary>Waits until <paramref name="answer"/> has received <paramref name="count"/> chunks.</summary>
    public static async Task WaitForChunksAsync(ILocator answer, int count)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(AnswerTimeoutMs);
        while (int.Parse(await answer.GetAttributeAsync("data-chunks-received") ?? "0", System.Globalization.CultureInfo.InvariantCulture) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Fewer than {count} chunks arrived in time.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
