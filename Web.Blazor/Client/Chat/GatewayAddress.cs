namespace AspireAgent.Web.Client.Chat;

/// <summary>Turns the host's <c>gatewayUrl</c> into the WebSocket URI to dial.</summary>
public static class GatewayAddress
{
    /// <summary>
    /// A path (standalone mode) is resolved against the page's own address, and http(s) becomes ws(s), so the
    /// UI reaches the in-process gateway through whatever host and port the browser used.
    /// </summary>
    public static Uri Resolve(string gatewayUrl, string pageBaseUri)
    {
        var uri = new Uri(new Uri(pageBaseUri), gatewayUrl);
        var scheme = uri.Scheme switch
        {
            "http" => "ws",
            "https" => "wss",
            "ws" or "wss" => uri.Scheme,
            _ => throw new FormatException($"The gateway URL '{gatewayUrl}' is not http(s) or ws(s)."),
        };
        return new UriBuilder(uri) { Scheme = scheme, Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri;
    }
}
