using System.Diagnostics;

namespace AspireAgent.Socket.Diagnostics;

/// <summary>The gateway's activity source; its name is registered with OpenTelemetry by <c>AddSocketGateway</c>.</summary>
internal static class GatewayTelemetry
{
    public const string Name = "AspireAgent.Socket";

    public static readonly ActivitySource Source = new(Name);
}
