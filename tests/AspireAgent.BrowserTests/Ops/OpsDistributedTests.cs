using System.Diagnostics;
using AspireAgent.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.BrowserTests.Ops;

/// <summary>
/// The ops view on a UI-only host, as in distributed mode: it reads the cluster from Prometheus when one is named
/// (here Debian's, scraping the fixture's node), and says so when none is.
/// </summary>
public sealed class OpsDistributedTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    private const float TimeoutMs = 90_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_Prometheus_named_the_page_draws_the_cluster_from_it()
    {
        var clock = Stopwatch.StartNew();
        await using var prometheus = await PrometheusServer.StartAsync([app.Url], TimeSpan.FromSeconds(60));
        await using var ui = await UiOnlyHostAsync(new() { ["Ops__PrometheusUrl"] = prometheus.Url.ToString() });
        await prometheus.WaitUntilScrapedAsync(targets: 1, TimeSpan.FromSeconds(60));

        // Traffic on the node Prometheus scrapes, from its own chat page (which stays connected).
        var chat = await app.Browser.NewPageAsync();
        await chat.GotoAsync(app.Url.ToString());
        await Expect(chat.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = TimeoutMs });
        await OpsPageTests.AskAsync(chat, "What does Prometheus see?", "Complete");
        foreach (var histogram in (string[])["aspireagent_inference_time_to_first_token_seconds_count", "aspireagent_gateway_delivery_latency_seconds_count"])
        {
            await prometheus.WaitForSeriesAsync(histogram, 1, TimeSpan.FromSeconds(60));
        }

        await OpsPageTests.AskAsync(chat, "And now?", "Complete");
        await OpsPageTests.AskAsync(chat, "Tell me a long story.", "Interrupted", stop: true);

        var ops = await app.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 860 } });
        await ops.GotoAsync(new Uri(ui.Url, "/ops").ToString());
        await Expect(ops.GetByTestId("ops-source")).ToHaveAttributeAsync("data-source", "Prometheus", new() { Timeout = TimeoutMs });
        await OpsPageTests.WaitForChartsAsync(ops, TimeoutMs, ui.Url, () => prometheus.Output);
        await Expect(ops.GetByTestId("ops-chart-connections-now")).ToContainTextAsync("open 1", new() { Timeout = TimeoutMs });
        await Expect(ops.GetByTestId("ops-problem")).ToHaveCountAsync(0);

        var screenshot = await OpsPageTests.ScreenshotAsync(ops, "ops-dashboard-prometheus.png");
        await ops.CloseAsync();
        await chat.CloseAsync();
        TestContext.Current.SendDiagnosticMessage($"Prometheus-mode charts drawn after {clock.Elapsed.TotalSeconds:0.0} s; screenshot: {screenshot}");
    }

    [Fact]
    public async Task Without_a_metrics_source_the_page_says_so()
    {
        await using var ui = await UiOnlyHostAsync([]);
        var ops = await app.Browser.NewPageAsync();

        await ops.GotoAsync(new Uri(ui.Url, "/ops").ToString());

        await Expect(ops.GetByTestId("ops-unconfigured")).ToContainTextAsync("No metrics source is configured", new() { Timeout = TimeoutMs });
        await Expect(ops.GetByTestId("ops-unconfigured")).ToContainTextAsync("Ops:PrometheusUrl");
        await Expect(ops.Locator("svg")).ToHaveCountAsync(0);
        await ops.CloseAsync();
    }

    /// <summary>A host that only serves the UI: its gateway is the fixture's node, so it runs no backend of its own.</summary>
    private async Task<StandaloneHost> UiOnlyHostAsync(Dictionary<string, string> environment)
    {
        environment["Web__GatewayUrl"] = new UriBuilder(app.Url) { Scheme = "ws", Path = "/ws" }.Uri.ToString();
        var host = await StandaloneHost.StartAsync(environment, readyTimeout: TimeSpan.FromSeconds(60));
        Ct.ThrowIfCancellationRequested();
        return host;
    }
}
