using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Hosting;

/// <summary>
/// <c>Gateway:ReusePort</c>: Kestrel's listen sockets bound with SO_REUSEPORT through its listen-socket hook
/// (<see cref="SocketTransportOptions.CreateBoundListenSocket"/>). N gateway processes started on one port then
/// each get their own accept queue and the kernel hashes every new connection to one of them, which is how one
/// machine holds more connections than one process's descriptor limit allows (docs/scaling.md).
/// </summary>
public static partial class ReusePortListener
{
    // Linux's values (asm-generic/socket.h); .NET's SocketOptionName has no SO_REUSEPORT.
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    public static IHostApplicationBuilder AddReusePortListener(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReusePortOptions>()
            .Bind(builder.Configuration.GetSection(ReusePortOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ReusePortOptions>>(new ReusePortOptionsValidation(OperatingSystem.IsLinux()));

        // Only replaces the hook when asked to, so a host that set its own (a test's fixed send buffer) keeps it.
        builder.Services.AddOptions<SocketTransportOptions>()
            .Configure<IOptions<ReusePortOptions>, ILoggerFactory>((transport, reuse, logs) =>
            {
                if (reuse.Value.ReusePort && OperatingSystem.IsLinux())
                {
                    var logger = logs.CreateLogger(typeof(ReusePortListener).FullName!);
                    transport.CreateBoundListenSocket = endpoint => CreateBoundListenSocket(endpoint, logger);
                }
            });
        return builder;
    }

    /// <summary>Kestrel's default listen socket, with SO_REUSEPORT set before the bind (it has no effect after).</summary>
    internal static System.Net.Sockets.Socket CreateBoundListenSocket(EndPoint endpoint, ILogger logger)
    {
        if (endpoint is not IPEndPoint ip)
        {
            // Unix domain sockets and inherited handles have no port to share.
            return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }

        var socket = new System.Net.Sockets.Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(ip);
            LogSharedPort(logger, ip);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {EndPoint} with SO_REUSEPORT: every gateway process bound to this port shares its connections")]
    private static partial void LogSharedPort(ILogger logger, IPEndPoint endPoint);
}
