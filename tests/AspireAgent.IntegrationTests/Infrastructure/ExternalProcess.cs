using System.Diagnostics;
using System.Text;

namespace AspireAgent.IntegrationTests.Infrastructure;

/// <summary>A program from the machine (promtool, prometheus, redis-server, nginx…) run by a test, killed with the test.</summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProcess(Process process) => _process = process;

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

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The absolute path of <paramref name="program"/> on PATH, or a failure that says how CI installs it.</summary>
    public static string Require(string program, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw NotInstalled(program, debianPackage);
    }

    /// <summary>Starts a program found on PATH, failing with how CI installs it when it is missing.</summary>
    public static ExternalProcess StartInstalled(string program, string debianPackage, string workingDirectory, params string[] arguments)
    {
        try
        {
            return Start(program, workingDirectory, arguments);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw NotInstalled(program, debianPackage, exception);
        }
    }

    public static ExternalProcess Start(string program, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var started = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Runs to completion (bounded) and returns the exit code.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, and waits (bounded) until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();

        _process.Dispose();
    }

    private static InvalidOperationException NotInstalled(string program, string debianPackage, Exception? inner = null) =>
        new($"'{program}' is not installed: apt-get install {debianPackage} (.ci/run does).", inner);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
