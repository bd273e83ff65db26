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
    private HostedBrowser? _hosted;

    public Uri Url => Hosted.Url;

    public string HostOutput => _hosted?.HostOutput ?? "";

    public IBrowser Browser => Hosted.Browser;

    private HostedBrowser Hosted => _hosted ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync(ScriptedAnswers.RespondAsync, CancellationToken.None);
        _hosted = await HostedBrowser.StartAsync(new Dictionary<string, string>
        {
            ["Inference__Provider"] = "Ollama",
            ["Inference__Ollama__Endpoint"] = _ollama.Endpoint.ToString(),
            ["Inference__Ollama__Model"] = "scripted",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_hosted is not null)
        {
            await _hosted.DisposeAsync();
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
