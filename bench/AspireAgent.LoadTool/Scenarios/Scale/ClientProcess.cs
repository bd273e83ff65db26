using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using AspireAgent.LoadTool.Servers;

namespace AspireAgent.LoadTool.Scenarios.Scale;

/// <summary>
/// One <c>idle-clients</c> child process: this same tool, started with its share of the connections and its own
/// source addresses, so that no process (client or gateway) needs more descriptors than the hard limit allows.
/// </summary>
internal sealed class ClientProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private ClientStatus _status = ClientStatus.None;

    private ClientProcess(Process process, int index, int count, int firstSource, int sources)
    {
        (_process, Index, Count, FirstSource, Sources) = (process, index, count, firstSource, sources);
    }

    public int Index { get; }

    public int Count { get; }

    public int FirstSource { get; }

    public int Sources { get; }

    public ClientStatus Status => Volatile.Read(ref _status);

    public bool HasExited => _process.HasExited;

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

    public static ClientProcess Start(
        int index, Uri endpoint, int count, int firstSource, int sources, int parallel, TimeSpan connectTimeout, string encoding)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var arguments = new[]
        {
            Assembly.GetEntryAssembly()!.Location, "idle-clients",
            "--endpoint", endpoint.ToString(),
            "--count", Invariant(count),
            "--first-source", Invariant(firstSource),
            "--sources", Invariant(sources),
            "--parallel", Invariant(parallel),
            "--connect-timeout", Invariant((int)connectTimeout.TotalSeconds),
            "--encoding", encoding,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var client = new ClientProcess(process, index, count, firstSource, sources);
        process.OutputDataReceived += (_, e) => client.Read(e.Data);
        process.ErrorDataReceived += (_, e) => client.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return client;
    }

    public ProcessSample Sample() => ProcessSample.Read(_process.Id);

    /// <summary>Ends its input, which closes its connections; the last status it printed is the final one.</summary>
    public async Task<ClientStatus> StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        return Status;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var wait = new CancellationTokenSource(StopTimeout);
        await _process.WaitForExitAsync(wait.Token);
        _process.Dispose();
    }

    private void Read(string? line)
    {
        if (line is not null && ClientStatus.TryParse(line) is { } status)
        {
            Volatile.Write(ref _status, status);
        }
        else
        {
            Keep(line);
        }
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
            while (_tail.Count > 20)
            {
                _tail.Dequeue();
            }
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
