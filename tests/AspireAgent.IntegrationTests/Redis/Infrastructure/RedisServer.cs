using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using AspireAgent.IntegrationTests.Infrastructure;

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
    private readonly string[] _extraArguments;
    private ExternalProcess? _process;

    private RedisServer(int port, string directory, bool durable, string[] extraArguments) =>
        (Port, _directory, _durable, _extraArguments) = (port, directory, durable, extraArguments);

    public int Port { get; }

    /// <summary>In StackExchange.Redis form, as Aspire injects it in <c>ConnectionStrings__redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static Task<RedisServer> StartAsync(bool durable = false) => StartAsync(durable, []);

    /// <summary>
    /// A node of a Redis Cluster, not yet part of one (see <see cref="RedisCluster"/>). Its cluster bus gets a
    /// free port of its own: the default, port + 10000, may be taken or past 65535.
    /// </summary>
    public static Task<RedisServer> StartClusterNodeAsync(bool durable = false) => StartAsync(
        durable,
        ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", FreePort.Next().ToString(CultureInfo.InvariantCulture)]);

    private static async Task<RedisServer> StartAsync(bool durable, string[] extraArguments)
    {
        var directory = Directory.CreateTempSubdirectory("aspireagent-redis-").FullName;
        var server = new RedisServer(FreePort.Next(), directory, durable, extraArguments);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server at once (SIGKILL): clients see their connections reset, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await process.KillAsync();
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
        if (_process is { } process)
        {
            await process.DisposeAsync();
        }

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
        string[] arguments =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
            "--save", "", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning",
            "--appendonly", _durable ? "yes" : "no", "--appendfsync", "always",
            .. _extraArguments,
        ];
        var process = ExternalProcess.StartInstalled("redis-server", "redis-server", _directory, arguments);
        if (_process is { } previous)
        {
            await previous.DisposeAsync();
        }

        _process = process;
        await WaitUntilReadyAsync(process);
    }

    private async Task WaitUntilReadyAsync(ExternalProcess process)
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
