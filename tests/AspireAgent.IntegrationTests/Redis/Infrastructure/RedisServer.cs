using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AspireAgent.IntegrationTests.Redis.Infrastructure;

/// <summary>
/// A real redis-server of the test's own, on 127.0.0.1 and a free port, in a temporary directory, killed on
/// dispose. By default nothing is persisted (<c>--save '' --appendonly no</c>): each test starts empty. A
/// durable server appends every write to its AOF with fsync always, so a kill -9 loses nothing acknowledged,
/// which is what a restart test that expects streams to survive needs.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory;
    private readonly bool _durable;
    private Process? _process;

    private RedisServer(int port, string directory, bool durable) => (Port, _directory, _durable) = (port, directory, durable);

    public int Port { get; }

    /// <summary>In StackExchange.Redis form, as Aspire injects it in <c>ConnectionStrings__redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisServer> StartAsync(bool durable = false)
    {
        var directory = Directory.CreateTempSubdirectory("aspireagent-redis-").FullName;
        var server = new RedisServer(FreePort.Next(), directory, durable);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server at once (SIGKILL): clients see their connections reset, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the server again on the same port and directory; a durable server reloads its AOF.</summary>
    public Task StartAgainAsync() => StartProcessAsync();

    /// <summary>Runs one command with redis-cli-like simplicity (RESP over a raw socket), for assertions outside the bus.</summary>
    public async Task<string> CommandAsync(params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadLineAsync() ?? string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
                     "--save", "", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning",
                     "--appendonly", _durable ? "yes" : "no", "--appendfsync", "always",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("redis-server is not installed (CI installs it: apt-get install redis-server).", exception);
        }

        _process?.Dispose();
        _process = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilReadyAsync(process);
    }

    private async Task WaitUntilReadyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode} at start (port {Port}).");
            }

            try
            {
                if (await CommandAsync("PING") == "+PONG")
                {
                    return;
                }
            }
            catch (SocketException) when (deadline.Elapsed < StartTimeout)
            {
            }
            catch (IOException) when (deadline.Elapsed < StartTimeout)
            {
            }

            if (deadline.Elapsed >= StartTimeout)
            {
                throw new TimeoutException($"redis-server did not answer PING within {StartTimeout}.");
            }

            // Start-up is an external process coming up: there is no event to wait on, only its port.
            await Task.Delay(20);
        }
    }
}
