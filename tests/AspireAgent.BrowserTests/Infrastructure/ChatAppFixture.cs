using Microsoft.Playwright;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>One standalone host and one browser for all the tests of a class: starting either takes seconds.</summary>
public sealed class ChatAppFixture : IAsyncLifetime
{
    /// <summary>
    /// Slow enough that a human (and the sampler) sees the answer grow, fast enough for a short test.
    /// </summary>
    public const int TokensPerSecond = 25;

    private HostedBrowser? _hosted;

    public Uri Url => Hosted.Url;

    public string HostOutput => _hosted?.HostOutput ?? "";

    public IBrowser Browser => Hosted.Browser;

    private HostedBrowser Hosted => _hosted ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() =>
        _hosted = await HostedBrowser.StartAsync(new Dictionary<string, string>
        {
            // Pinned, so that an Ollama endpoint configured on the machine cannot replace the deterministic model.
            ["Inference__Provider"] = "Simulated",
            ["Inference__Simulated__TokensPerSecond"] = TokensPerSecond.ToString(),

            // Four seconds an answer: time enough, on a loaded machine, to click Stop while it streams.
            ["Inference__Simulated__TokenCount"] = "100",
        });

    public async ValueTask DisposeAsync()
    {
        if (_hosted is not null)
        {
            await _hosted.DisposeAsync();
        }
    }
}
