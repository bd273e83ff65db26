using Microsoft.Playwright;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>
/// Debian's Chromium, driven by the node driver that ships inside the Microsoft.Playwright package. Nothing is
/// downloaded: no <c>playwright install</c>, an explicit executable path, and the browser's own background
/// traffic switched off, since the machine has no internet.
/// </summary>
internal static class SystemChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ExecutablePath))
        {
            // A missing browser is a broken environment, not a reason to skip: CI installs it, so must a developer.
            Assert.Fail($"Chromium is not installed at {ExecutablePath}. Install it with "
                + "'apt-get update && apt-get install -y chromium'; the browser tests never download a browser.");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Args,
            Timeout = 60_000,
        });
    }
}
