using System.Text.Json.Serialization;

namespace AspireAgent.Web.Client;

/// <summary>
/// What the host tells the UI at <c>GET /client-config</c>. <see cref="GatewayUrl"/> is either an absolute
/// ws(s):// URL or a path (standalone mode) that the UI resolves against its own address.
/// </summary>
public sealed record ClientConfig([property: JsonPropertyName("gatewayUrl")] string GatewayUrl)
{
    public const string Path = "/client-config";
}
