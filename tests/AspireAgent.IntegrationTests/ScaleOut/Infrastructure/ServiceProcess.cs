using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>
/// A real process of a built service (Services.Socket.dll, Services.Inference.dll, copied next to the tests),
/// configured through environment variables exactly as Aspire configures it, and killed with SIGKILL: a node
/// or worker that dies this way writes nothing more, not even the end of an answer.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyText;

    private ServiceProcess(string name, Process process, string readyText)
    {
        Name = name;
        _process = process;
        _readyText = readyText;
    }

    public string Name { get; }

    /// <summary>The HTTP address Kestrel bound (the process is told port 0 and reports the port it got).</summary>
    public Uri HttpBase => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException($"{Name} is not listening.");

    public Uri WebSocketUri => new($"ws://{HttpBase.Authority}/ws");

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <param name="assembly">The service's DLL, e.g. <c>Services.Socket.dll</c>.</param>
    /// <param name="readyText">A line the process logs once it serves (after it listens).</param>
    public static async Task<ServiceProcess> StartAsync(
        string name, string assembly, IReadOnlyDictionary<string, string> environment, string readyText)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        var service = new ServiceProcess(name, process, readyText);
        process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => service.OnExited();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.WhenAll(service._listening.Task, service._ready.Task).WaitAsync(StartTimeout, TestContext.Current.CancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            var output = service.RecentOutput;
            await service.DisposeAsync();
            throw new InvalidOperationException($"{name} did not become ready: {exception.Message}{Environment.NewLine}{output}", exception);
        }

        return service;
    }

    /// <summary>SIGKILL: the process stops between two instructions.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 300 && _output.TryDequeue(out _))
        {
        }

        if (ListeningOn().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }

        if (line.Contains(_readyText, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private void OnExited()
    {
        var exited = new InvalidOperationException($"{Name} exited with code {_process.ExitCode}.");
        _listening.TrySetException(exited);
        _ready.TrySetException(exited);
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s]+)")]
    private static partial Regex ListeningOn();
}
