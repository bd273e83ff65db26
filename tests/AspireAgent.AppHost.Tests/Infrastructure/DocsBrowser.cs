using AspireAgent.BrowserTests.Infrastructure;
using AspireAgent.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace AspireAgent.AppHost.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium for the AppHost tests, whose screenshots are the pictures in README.md and docs/. Every run takes
/// them; only a run with <c>ASPIREAGENT_UPDATE_DOCS_IMAGES=1</c> writes them into docs/images, so that running the
/// tests (CI, a developer's machine) leaves the working tree clean and pictures change in a deliberate commit.
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

    /// <summary>Saves the page as docs/images/<paramref name="fileName"/> when asked to, else beside the test binaries.</summary>
    public static async Task<string> SaveAsync(IPage page, string fileName)
    {
        var images = Environment.GetEnvironmentVariable("ASPIREAGENT_UPDATE_DOCS_IMAGES") == "1"
            ? Path.Combine(RepositoryRoot.Path, "docs", "images")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(images);
        var path = Path.Combine(images, fileName);
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        Assert.True(png.Length > 10_000, $"The screenshot {path} is {png.Length} bytes: not a drawn page.");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
