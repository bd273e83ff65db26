using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using AspireAgent.IntegrationTests.Infrastructure;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>
/// A real nginx running the repository's configuration (<c>deploy/nginx</c>): the files are copied to a temporary
/// prefix as they are, and only <c>upstream.conf</c> (the nodes) and <c>listen.conf</c> (a free loopback port)
/// are written for the test. Foreground, killed on dispose.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly string _prefix;

    private NginxProxy(ExternalProcess process, string prefix, int port) => (_process, _prefix, Port) = (process, prefix, port);

    public int Port { get; }

    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/ws");

    public string RecentOutput => _process.Output;

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
            // As deploy/nginx/upstream.conf: max_fails=0, so a node that failed once is not starved of new sockets.
            upstream.Append(CultureInfo.InvariantCulture, $"    server {node.Authority} max_fails=0;\n");
        }

        await File.WriteAllTextAsync(Path.Combine(prefix, "upstream.conf"), upstream.Append("}\n").ToString());
        await File.WriteAllTextAsync(Path.Combine(prefix, "listen.conf"), $"listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};\n");

        var process = ExternalProcess.StartInstalled(
            "nginx", "nginx", prefix, "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"), "-g", "daemon off; pid nginx.pid;");
        var proxy = new NginxProxy(process, prefix, port);
        await proxy.WaitUntilListeningAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
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

    private static string RepositoryConfiguration() => Path.Combine(RepositoryRoot.Path, "deploy", "nginx");

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
