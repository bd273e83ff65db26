using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AspireAgent.BrowserTests.Ops;

/// <summary>
/// Debian's Prometheus (<c>apt-get install prometheus</c>, as .ci/run does), scraping the given targets every
/// second on 127.0.0.1, with its data in a temporary folder; killed and cleaned up on dispose.
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
              scrape_interval: 1s
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
