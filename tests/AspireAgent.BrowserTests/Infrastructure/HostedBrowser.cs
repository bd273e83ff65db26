using Microsoft.Playwright;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>Debian's Chromium and a standalone host with the given environment: what every page-test fixture starts.</summary>
internal sealed class HostedBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly StandaloneHost _host;

    private HostedBrowser(IPlaywright playwright, IBrowser browser, StandaloneHost host) =>
        (_playwright, Browser, _host) = (playwright, browser, host);

    public IBrowser Browser { get; }

    public Uri Url => _host.Url;

    public string HostOutput => _host.Output;

    public static async Task<HostedBrowser> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await SystemChromium.LaunchAsync(playwright);
        var host = await StandaloneHost.StartAsync(environment, readyTimeout: TimeSpan.FromSeconds(60));
        return new HostedBrowser(playwright, browser, host);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
    }
}
