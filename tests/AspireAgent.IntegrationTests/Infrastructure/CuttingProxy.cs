using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using NetSocket = System.Net.Sockets.Socket;

namespace AspireAgent.Testing;

/// <summary>
/// A loopback TCP proxy that can cut every connection through it at once, the way a flaky mobile network
/// or a NAT timeout does: the client sees its socket die without a close frame.
/// </summary>
/// <remarks>
/// Shared by the integration and the browser tests (the browser tests link this file), hence the neutral
/// namespace.
/// </remarks>
public sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private volatile IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Pipe> _pipes = new();
    private readonly Task _acceptLoop;
    private int _nextId;

    public CuttingProxy(Uri target)
    {
        _target = EndPointOf(target);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The gateway's WebSocket URI, through the proxy.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/ws");

    public int Cuts { get; private set; }

    /// <summary>
    /// Sends new connections to <paramref name="target"/> from now on (existing ones stay where they are), the way
    /// a load balancer moves clients off a node that is shutting down.
    /// </summary>
    public void Retarget(Uri target) => _target = EndPointOf(target);

    /// <summary>Resets every connection through the proxy now.</summary>
    public int CutAll()
    {
        var cut = 0;
        foreach (var (id, pipe) in _pipes)
        {
            if (_pipes.TryRemove(id, out _))
            {
                pipe.Cut();
                cut++;
            }
        }

        Cuts += cut;
        return cut;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(_pipes.Values.Select(p => p.Completion));
        _stop.Dispose();
    }

    private static IPEndPoint EndPointOf(Uri target) => new(IPAddress.Parse(target.Host), target.Port);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            var upstream = new NetSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token);
            }
            catch (SocketException)
            {
                client.Close(0);
                upstream.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            var pipe = new Pipe(client, upstream);
            _pipes[id] = pipe;
            pipe.Start(() => _pipes.TryRemove(id, out _));
        }
    }

    private sealed class Pipe(NetSocket client, NetSocket upstream)
    {
        public Task Completion { get; private set; } = Task.CompletedTask;

        public void Start(Action onDone) =>
            Completion = Task.WhenAll(CopyAsync(client, upstream), CopyAsync(upstream, client))
                .ContinueWith(_ => onDone(), TaskScheduler.Default);

        public void Cut()
        {
            // Linger 0 sends RST: the peer learns nothing but that the connection is gone.
            client.LingerState = new LingerOption(true, 0);
            upstream.LingerState = new LingerOption(true, 0);
            client.Close();
            upstream.Close();
        }

        private static async Task CopyAsync(NetSocket from, NetSocket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                    if (read == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
