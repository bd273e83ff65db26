using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>
/// The one-command run, as a user starts it: <c>dotnet Web.Blazor.dll --urls …</c> in standalone mode (gateway
/// and worker in-process), as a child process. Ready when it prints the URL to open; killed on dispose.
/// </summary>
internal sealed partial class StandaloneHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private StandaloneHost(Process process, StringBuilder output, Uri url)
    {
        _process = process;
        _output = output;
        Url = url;
    }

    /// <summary>The address the host printed as the one to open.</summary>
    public Uri Url { get; }

    /// <summary>Everything the host wrote so far, for failure messages.</summary>
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

    public static async Task<StandaloneHost> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan readyTimeout)
    {
        var directory = HostDirectory();
        var assembly = Path.Combine(directory, "Web.Blazor.dll");
        Assert.True(File.Exists(assembly), $"The host is not built: {assembly} is missing (build the solution first).");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{FreePort()}");

        // Development makes the build output's static web assets resolvable without a publish.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";

        // Anything that would point the host at an external gateway must not leak in from the test's environment.
        foreach (var key in (string[])["Web__GatewayUrl", "services__socket__https__0", "services__socket__http__0", "ASPNETCORE_URLS", "OTEL_EXPORTER_OTLP_ENDPOINT"])
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line.Data);
            }

            if (RunningLine().Match(line.Data) is { Success: true } match)
            {
                ready.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"The host exited with code {process.ExitCode}."));

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new StandaloneHost(process, output, await ready.Task.WaitAsync(readyTimeout, TestContext.Current.CancellationToken));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            await StopAsync(process);
            string log;
            lock (output)
            {
                log = output.ToString();
            }

            Assert.Fail($"The host did not print the URL to open within {readyTimeout}: {ex.Message}\n{log}");
            throw;
        }
    }

    public ValueTask DisposeAsync() => StopAsync(_process);

    private static async ValueTask StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
    }

    private static string HostDirectory() =>
        typeof(StandaloneHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "WebBlazorHostDirectory").Value!;

    /// <summary>A loopback port nothing listens on (the listener that found it is closed again).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"AspireAgent is running: open (?<url>https?://\S+)")]
    private static partial Regex RunningLine();
}
