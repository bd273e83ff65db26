using Microsoft.Playwright;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>One standalone host and one browser for all the tests of a class: starting either takes seconds.</summary>
public sealed class ChatAppFixture : IAsyncLifetime
{
    /// <summary>
    /// Slow enough that a human (and the sampler) sees the answer grow, fast enough for a short test.
    /// </summary>
    public const int TokensPerSecond = 25;

    private StandaloneHost? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri Url => (_host ?? throw new InvalidOperationException("Not started.")).Url;

    public string HostOutput => _host?.Output ?? "";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await SystemChromium.LaunchAsync(_playwright);
        _host = await StandaloneHost.StartAsync(
            new Dictionary<string, string>
            {
                // Pinned, so that an Ollama endpoint configured on the machine cannot replace the deterministic model.
                ["Inference__Provider"] = "Simulated",
                ["Inference__Simulated__TokensPerSecond"] = TokensPerSecond.ToString(),

                // Four seconds an answer: time enough, on a loaded machine, to click Stop while it streams.
                ["Inference__Simulated__TokenCount"] = "100",
            },
            readyTimeout: TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
