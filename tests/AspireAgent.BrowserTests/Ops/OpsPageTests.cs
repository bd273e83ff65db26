using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AspireAgent.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.BrowserTests.Ops;

/// <summary>
/// The ops view end to end in standalone mode: chats move the gateway's and worker's meters, the host samples
/// them in-process, and the page draws them as SVG charts in Chromium.
/// </summary>
public sealed class OpsPageTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    private const float StartupTimeoutMs = 90_000;
    private const float AnswerTimeoutMs = 60_000;
    private const float ChartsTimeoutMs = 60_000;

    private static readonly string[] Charts =
    [
        "ops-chart-connections", "ops-chart-throughput", "ops-chart-latency",
        "ops-chart-ttft", "ops-chart-backlog", "ops-chart-interrupts",
    ];

    /// <summary>True once every chart has a data line of at least two points (threshold lines are not polylines).</summary>
    private const string ChartsDrawnScript = """
        (ids) => ids.every(id => {
          const card = document.querySelector(`[data-testid="${id}"]`);
          return card && [...card.querySelectorAll('svg polyline.line')]
            .some(line => line.getAttribute('points').trim().split(/\s+/).length >= 2);
        })
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_ops_page_draws_live_charts_of_the_chats_that_just_ran()
    {
        var clock = Stopwatch.StartNew();
        var chat = await app.Browser.NewPageAsync();
        await chat.GotoAsync(app.Url.ToString());
        await Expect(chat.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });
        for (var i = 0; i < 3; i++)
        {
            await AskAsync(chat, $"Ops question {i}: how is the cluster?", "Complete");
        }

        await AskAsync(chat, "Tell me a long story.", "Interrupted", stop: true);
        var chatted = clock.Elapsed;

        // The chat page stays open, so the connection chart reads one.
        var ops = await app.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 860 } });
        await ops.GotoAsync(new Uri(app.Url, "/ops").ToString());
        await Expect(ops.GetByTestId("ops-source")).ToHaveAttributeAsync("data-source", "InProcess", new() { Timeout = StartupTimeoutMs });
        await WaitForChartsAsync(ops, ChartsTimeoutMs, app.Url, () => app.HostOutput);
        await Expect(ops.GetByTestId("ops-chart-connections-now")).ToContainTextAsync("open 1");
        // The interrupt counts for a minute after it happened: on a slow machine the page may open later than that.
        await Expect(ops.GetByTestId("ops-chart-interrupts-now")).ToContainTextAsync(new Regex("interrupts [01]/min"));
        foreach (var threshold in (string[])["0.5", "1"])
        {
            await Expect(ops.Locator($"[data-testid=ops-chart-latency] line.threshold[data-threshold='{threshold}']")).ToHaveCountAsync(1);
        }

        // The page draws what the host measured: the series moved.
        using var http = new HttpClient { BaseAddress = app.Url };
        var metrics = await http.GetFromJsonAsync<JsonElement>("/ops/metrics", Ct);
        Assert.True(Max(metrics, "chunksPerSecond") > 0, $"No chunk throughput in {metrics}");
        Assert.True(Max(metrics, "tokensPerSecond") > 0, $"No token throughput in {metrics}");
        Assert.True(Max(metrics, "deliveryLatencyP99") >= 0, $"No delivery latency in {metrics}");
        Assert.True(Max(metrics, "timeToFirstTokenP50") > 0, $"No time to first token in {metrics}");
        Assert.Equal(1, Max(metrics, "interrupts"));

        var screenshot = await ScreenshotAsync(ops, "ops-dashboard.png");
        await ops.CloseAsync();
        await chat.CloseAsync();
        TestContext.Current.SendDiagnosticMessage($"Chats took {chatted.TotalSeconds:0.0} s, charts drawn after {clock.Elapsed.TotalSeconds:0.0} s; screenshot: {screenshot}");
    }

    [Fact]
    public async Task The_chat_header_links_to_the_ops_page()
    {
        var page = await app.Browser.NewPageAsync();
        var failed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.RequestFailed += (_, request) => failed.Enqueue($"{request.Url}: {request.Failure}");
        await page.GotoAsync(app.Url.ToString());
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = StartupTimeoutMs });

        await page.GetByTestId("ops-link").ClickAsync();

        await Expect(page.GetByTestId("ops-chart-connections")).ToBeVisibleAsync(new() { Timeout = ChartsTimeoutMs });
        Assert.EndsWith("/ops", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await page.GetByTestId("chat-link").ClickAsync();
        await Expect(page.GetByTestId("message-input")).ToBeVisibleAsync();

        // Leaving the page lets a metrics request in flight finish rather than abort it (an error line in the console).
        await Task.Delay(2_500, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(failed, f => f.Contains("/ops/", StringComparison.Ordinal));

        // Its connection must not count in the other test's connection chart.
        await page.CloseAsync();
    }

    /// <summary>Waits until each of the six charts has a data line of at least two points; says which did not, and what the host served, if not.</summary>
    internal static async Task WaitForChartsAsync(IPage page, float timeoutMs, Uri host, Func<string>? context = null)
    {
        try
        {
            await page.WaitForFunctionAsync(ChartsDrawnScript, Charts, new() { Timeout = timeoutMs, PollingInterval = 250 });
        }
        catch (TimeoutException)
        {
            var missing = await page.EvaluateAsync<string[]>($"(ids) => ids.filter(id => !({ChartsDrawnScript})([id]))", Charts);
            using var http = new HttpClient { BaseAddress = host };
            var served = await http.GetStringAsync(new Uri("/ops/metrics", UriKind.Relative));
            Assert.Fail($"No line of two points within {timeoutMs} ms in: {string.Join(", ", missing)}.\n/ops/metrics: {served}\n{context?.Invoke()}");
        }
    }

    /// <summary>A full-page screenshot in the test output's <c>screenshots</c> folder, checked to be a real picture.</summary>
    internal static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        AssertIsPicture(path, minWidth: 1440, minHeight: 600);
        return path;
    }

    internal static async Task AskAsync(IPage page, string text, string endState, bool stop = false)
    {
        await page.GetByTestId("message-input").FillAsync(text);
        await page.GetByTestId("send").ClickAsync();
        var answer = page.GetByTestId("assistant-message").Last;
        if (stop)
        {
            await Expect(answer).ToHaveAttributeAsync("data-state", "Streaming", new() { Timeout = AnswerTimeoutMs });
            await page.GetByTestId("stop").ClickAsync();
        }

        await Expect(answer).ToHaveAttributeAsync("data-state", endState, new() { Timeout = AnswerTimeoutMs });
    }

    private static double Max(JsonElement metrics, string series) =>
        metrics.GetProperty(series).EnumerateArray()
            .Where(v => v.ValueKind == JsonValueKind.Number)
            .Select(v => v.GetDouble())
            .DefaultIfEmpty(double.NaN)
            .Max();

    /// <summary>A PNG of the page's size with real content: a blank or broken page compresses to a few kilobytes.</summary>
    private static void AssertIsPicture(string path, int minWidth, int minHeight)
    {
        Assert.True(File.Exists(path), $"No screenshot at {path}.");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), "Not a PNG.");
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4));
        Assert.True(width >= minWidth && height >= minHeight, $"The screenshot is {width}×{height}.");
        Assert.True(bytes.Length > 40_000, $"The screenshot is only {bytes.Length} bytes: is the page blank?");
    }
}
