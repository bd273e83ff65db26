using System.Text.Json.Serialization;

namespace AspireAgent.Web.Client;

/// <summary>
/// What the host tells the UI at <c>GET /client-config</c>. <see cref="GatewayUrl"/> is either an absolute
/// ws(s):// URL or a path (standalone mode) that the UI resolves against its own address.
/// <see cref="AccessTokenStorageKey"/>, when set, names where in localStorage a bearer token for the gateway is found.
/// </summary>
public sealed record ClientConfig(
    [property: JsonPropertyName("gatewayUrl")] string GatewayUrl,
    [property: JsonPropertyName("accessTokenStorageKey")] string? AccessTokenStorageKey = null)
{
    public const string Path = "/client-config";
}
