using System.Net;
using System.Net.Sockets;

namespace AspireAgent.LoadTool.Net;

/// <summary>
/// Client sockets bound to 127.0.0.1, 127.0.0.2 … in turn. One source address has about 28,000 ephemeral
/// ports towards one server port (net.ipv4.ip_local_port_range), so 100,000 connections need four or more.
/// <see cref="System.Net.WebSockets.ClientWebSocket"/> cannot bind a local address itself: each address gets a
/// <see cref="SocketsHttpHandler"/> whose ConnectCallback binds the socket before connecting.
/// </summary>
internal sealed class SourceAddressPool : IDisposable
{
    private readonly HttpMessageInvoker[] _invokers;
    private int _next = -1;

    /// <param name="count">How many addresses.</param>
    /// <param name="first">The last byte of the first one, so that processes sharing the work use distinct sources.</param>
    public SourceAddressPool(int count, int first = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count - 1, 254);
        Addresses = Enumerable.Range(first, count).Select(i => IPAddress.Parse($"127.0.0.{i}")).ToArray();
        _invokers = Addresses.Select(a => new HttpMessageInvoker(Handler(a))).ToArray();
    }

    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>The invoker for the next source address, round robin.</summary>
    public HttpMessageInvoker Next() => _invokers[(int)((uint)Interlocked.Increment(ref _next) % (uint)_invokers.Length)];

    public void Dispose()
    {
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }

    private static SocketsHttpHandler Handler(IPAddress source) => new()
    {
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
