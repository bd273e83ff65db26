using AspireAgent.IntegrationTests.Inference;
using Microsoft.Playwright;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>
/// The standalone host with its worker on the Ollama path (the real OllamaSharp client) against an Ollama-protocol
/// peer in the test, which answers by the question: so a page test can get hostile markdown, a 20,000-character
/// answer, or an answer slow enough to reload in the middle of.
/// </summary>
public sealed class ScriptedModelFixture : IAsyncLifetime
{
    private FakeOllamaServer? _ollama;
    private StandaloneHost? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri Url => (_host ?? throw new InvalidOperationException("Not started.")).Url;

    public string HostOutput => _host?.Output ?? "";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync(ScriptedAnswers.RespondAsync, CancellationToken.None);
        _playwright = await Playwright.CreateAsync();
        _browser = await SystemChromium.LaunchAsync(_playwright);
        _host = await StandaloneHost.StartAsync(
            new Dictionary<string, string>
            {
                ["Inference__Provider"] = "Ollama",
                ["Inference__Ollama__Endpoint"] = _ollama.Endpoint.ToString(),
                ["Inference__Ollama__Model"] = "scripted",
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

        if (_ollama is not null)
        {
            await _ollama.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ScriptedModelCollection : ICollectionFixture<ScriptedModelFixture>
{
    public const string Name = "Scripted model";
}
