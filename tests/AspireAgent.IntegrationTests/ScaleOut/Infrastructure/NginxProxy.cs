using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>
/// A real nginx running the repository's configuration (<c>deploy/nginx</c>): the files are copied to a temporary
/// prefix as they are, and only <c>upstream.conf</c> (the nodes) and <c>listen.conf</c> (a free loopback port)
/// are written for the test. Foreground, killed on dispose.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _prefix;
    private readonly ConcurrentQueue<string> _output = new();

    private NginxProxy(Process process, string prefix, int port) => (_process, _prefix, Port) = (process, prefix, port);

    public int Port { get; }

    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/ws");

    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>The files written for the test, for failure messages.</summary>
    public string Configuration =>
        File.ReadAllText(Path.Combine(_prefix, "upstream.conf")) + File.ReadAllText(Path.Combine(_prefix, "listen.conf"));

    public static async Task<NginxProxy> StartAsync(IEnumerable<Uri> nodes)
    {
        var prefix = Directory.CreateTempSubdirectory("aspireagent-nginx-").FullName;
        foreach (var file in Directory.GetFiles(RepositoryConfiguration(), "*.conf"))
        {
            File.Copy(file, Path.Combine(prefix, Path.GetFileName(file)));
        }

        var port = FreePort.Next();
        var upstream = new StringBuilder("upstream aspireagent_socket {\n");
        foreach (var node in nodes)
        {
            upstream.Append(CultureInfo.InvariantCulture, $"    server {node.Authority} max_fails=1 fail_timeout=30s;\n");
        }

        await File.WriteAllTextAsync(Path.Combine(prefix, "upstream.conf"), upstream.Append("}\n").ToString());
        await File.WriteAllTextAsync(Path.Combine(prefix, "listen.conf"), $"listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};\n");

        var start = new ProcessStartInfo("nginx")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = prefix,
        };
        foreach (var argument in new[] { "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"), "-g", "daemon off; pid nginx.pid;" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("nginx is not installed (CI installs it: apt-get install nginx).", exception);
        }

        var proxy = new NginxProxy(process, prefix, port);
        process.OutputDataReceived += (_, e) => proxy.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await proxy.WaitUntilListeningAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string RepositoryConfiguration()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "deploy", "nginx");
            if (File.Exists(Path.Combine(candidate, "nginx.conf")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("deploy/nginx/nginx.conf not found above the test's directory.");
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}:{Environment.NewLine}{RecentOutput}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                // nginx gives no readiness signal but its port; it binds within milliseconds.
                await Task.Delay(20);
            }
        }
    }
}
