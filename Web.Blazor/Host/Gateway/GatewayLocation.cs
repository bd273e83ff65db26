using Microsoft.Extensions.Configuration;

namespace AspireAgent.Web.Gateway;

/// <summary>How the gateway's address was found.</summary>
public enum GatewaySource
{
    /// <summary><c>Web:GatewayUrl</c> named it.</summary>
    Configured,

    /// <summary>Aspire injected the <c>socket</c> resource's endpoint (<c>services:socket:…</c>).</summary>
    ServiceDiscovery,

    /// <summary>Nothing named one: this process runs the gateway and a worker itself.</summary>
    Standalone,
}

/// <summary>The URL handed to the browser in <c>/client-config</c>, and where it came from.</summary>
public sealed record GatewayLocation(string Url, GatewaySource Source)
{
    /// <summary>The Aspire resource name of the gateway, as the AppHost declares it.</summary>
    public const string ServiceName = "socket";

    public bool IsStandalone => Source == GatewaySource.Standalone;

    /// <summary>
    /// Decided once, before the host is built, because standalone mode changes which services are registered:
    /// an explicit URL wins, then Aspire's service discovery (https before http), else standalone.
    /// </summary>
    public static GatewayLocation Resolve(IConfiguration configuration)
    {
        var options = configuration.GetSection(WebOptions.SectionName).Get<WebOptions>() ?? new WebOptions();
        if (!string.IsNullOrWhiteSpace(options.GatewayUrl))
        {
            return new GatewayLocation(options.GatewayUrl, GatewaySource.Configured);
        }

        foreach (var scheme in (string[])["https", "http"])
        {
            if (configuration[$"services:{ServiceName}:{scheme}:0"] is { Length: > 0 } discovered
                && Uri.TryCreate(discovered, UriKind.Absolute, out var uri))
            {
                return new GatewayLocation(ToWebSocket(uri, options.GatewayPath), GatewaySource.ServiceDiscovery);
            }
        }

        // The in-process gateway serves the same origin as the page, so a path is enough and survives any host name.
        return new GatewayLocation(configuration["Gateway:Path"] is { Length: > 0 } path ? path : "/ws", GatewaySource.Standalone);
    }

    internal static string ToWebSocket(Uri service, string path) => new UriBuilder(service)
    {
        Scheme = service.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        Port = service.IsDefaultPort ? -1 : service.Port,
        Path = path,
    }.Uri.ToString();
}
