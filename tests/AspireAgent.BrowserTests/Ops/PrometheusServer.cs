using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AspireAgent.BrowserTests.Ops;

/// <summary>
/// Debian's Prometheus (<c>apt-get install prometheus</c>, as .ci/run does), scraping the given targets every
/// <see cref="ScrapeInterval"/> on 127.0.0.1, with its data in a temporary folder; killed and cleaned up on dispose.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _work;
    private readonly StringBuilder _output = new();

    private PrometheusServer(Process process, DirectoryInfo work, Uri url)
    {
        _process = process;
        _work = work;
        Url = url;
    }

    /// <summary>
    /// Short, so that rates have two samples within seconds; not one second, because the scrape timeout cannot exceed
    /// the interval and a host busy with a test run (JIT, a loaded CI machine) can take longer than that to answer.
    /// </summary>
    public const int ScrapeIntervalSeconds = 2;

    public Uri Url { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<PrometheusServer> StartAsync(IEnumerable<Uri> targets, TimeSpan readyTimeout)
    {
        var program = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "prometheus"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("'prometheus' is not installed: apt-get install prometheus (.ci/run does).");
        var work = Directory.CreateTempSubdirectory("aspireagent-ops-prometheus-");
        await File.WriteAllTextAsync(Path.Combine(work.FullName, "prometheus.yml"), $"""
            global:
              scrape_interval: {ScrapeIntervalSeconds}s
            scrape_configs:
              - job_name: aspireagent
                metrics_path: /metrics
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t.Authority}'"))}]
            """);

        var port = FreePort();
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = work.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--config.file=prometheus.yml", $"--storage.tsdb.path={work.FullName}/data", $"--web.listen-address=127.0.0.1:{port}"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var server = new PrometheusServer(process, work, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + readyTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri("/-/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        var output = server.Output;
        await server.DisposeAsync();
        throw new TimeoutException($"Prometheus was not ready within {readyTimeout}.\n{output}");
    }

    /// <summary>
    /// Waits until every target has been scraped successfully: a counter's rate needs two samples, so traffic that
    /// ends before the first scrape would never show as a rate.
    /// </summary>
    public Task WaitUntilScrapedAsync(int targets, TimeSpan timeout) => WaitForSeriesAsync("up == 1", targets, timeout);

    /// <summary>
    /// Waits until <paramref name="query"/> returns at least <paramref name="count"/> series. Prometheus sees no
    /// increase in the first sample of a new series (a histogram exists from its first recording on), so a test
    /// waits for the series before the traffic whose rate it wants to see.
    /// </summary>
    public async Task WaitForSeriesAsync(string query, int count, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                var answer = await http.GetStringAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(query), UriKind.Relative));
                using var json = System.Text.Json.JsonDocument.Parse(answer);
                if (json.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() >= count)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // busy; try again
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus had no {count} series for '{query}' within {timeout}.\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
        _work.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
