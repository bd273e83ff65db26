using Microsoft.Playwright;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>Screenshots kept with the test output (bin/…/screenshots), so a run can be looked at afterwards.</summary>
internal static class Screenshots
{
    public static string Directory { get; } = System.IO.Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public static Task TakeAsync(IPage page, string name, bool fullPage = false) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, name + ".png"), FullPage = fullPage });
}
