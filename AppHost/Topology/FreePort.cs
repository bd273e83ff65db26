using System.Net;
using System.Net.Sockets;

namespace AspireAgent.AppHost.Topology;

internal static class FreePort
{
    /// <summary>A loopback port nobody listens on now, for a process that must be told its port.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
