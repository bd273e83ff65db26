using System.Diagnostics;

namespace AspireAgent.LoadTool.Servers;

/// <summary>
/// A server under test, run as a child process from its build output (<c>dotnet X.dll --urls …</c>), so that its
/// CPU and memory are its own and one command reproduces a figure. Killed with the load tool's run.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly HttpClient _http;

    private readonly int _clientPort;

    private ServerProcess(Process process, Target target, int port, int clientPort)
    {
        _process = process;
        Target = target;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        _clientPort = clientPort;
        _http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Target Target { get; }

    /// <summary>This process's own address: /alive and /metrics are read here, never on a shared port.</summary>
    public Uri BaseUri { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The WebSocket (gateway, floor) or hub (SignalR) endpoint.</summary>
    public Uri Endpoint => Target == Target.SignalR
        ? new Uri($"http://127.0.0.1:{_clientPort}/hub")
        : new Uri($"ws://127.0.0.1:{_clientPort}/ws");

    /// <summary>The last lines the server printed, for failure reports.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }
    }

    /// <param name="sharedPort">
    /// A port the server also listens on with other processes (<c>Gateway:ReusePort</c>): clients connect there,
    /// while <paramref name="port"/> stays this process's own, because a scrape on the shared port would reach
    /// whichever process the kernel picks.
    /// </param>
    public static async Task<ServerProcess> StartAsync(
        Target target, int port, string configuration, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken,
        int? sharedPort = null)
    {
        var dll = ServerBuilds.Path(target, configuration);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = System.IO.Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(sharedPort is { } shared ? $"http://127.0.0.1:{port};http://127.0.0.1:{shared}" : $"http://127.0.0.1:{port}");

        // Same settings for both servers: production, quiet logs (a log line per connection would be measured too).
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process, target, port, sharedPort ?? port);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitAliveAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public ProcessSample Sample() => ProcessSample.Read(Pid);

    public async Task<PrometheusScrape> ScrapeAsync(CancellationToken cancellationToken) =>
        PrometheusScrape.Parse(await _http.GetStringAsync("/metrics", cancellationToken));

    /// <summary>SIGKILL: a crash, no close frames, no graceful shutdown.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(wait.Token);
        _process.Dispose();
        _http.Dispose();
    }

    private async Task WaitAliveAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Target.Name()} exited with {_process.ExitCode} at start:{Environment.NewLine}{Tail}");
            }

            try
            {
                using var response = await _http.GetAsync("/alive", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        throw new TimeoutException($"{Target.Name()} did not answer /alive within {StartTimeout}:{Environment.NewLine}{Tail}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }
    }
}
