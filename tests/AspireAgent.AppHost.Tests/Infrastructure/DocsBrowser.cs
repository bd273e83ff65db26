using AspireAgent.BrowserTests.Infrastructure;
using AspireAgent.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace AspireAgent.AppHost.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium for the AppHost tests, whose screenshots are the pictures in README.md and docs/: taken on every
/// run, so they show the product as it is.
/// </summary>
internal sealed class DocsBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DocsBrowser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static async Task<DocsBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        return new DocsBrowser(playwright, await SystemChromium.LaunchAsync(playwright));
    }

    public Task<IPage> NewPageAsync(int width, int height) =>
        _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });

    /// <summary>Saves the page as docs/images/<paramref name="fileName"/>.</summary>
    public static async Task SaveAsync(IPage page, string fileName)
    {
        var images = Path.Combine(RepositoryRoot.Path, "docs", "images");
        Directory.CreateDirectory(images);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images, fileName) });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
