using AspireAgent.Socket.Options;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Endpoints;

/// <summary>
/// Cross-site WebSocket hijacking defence: browsers always send Origin on an upgrade, and only origins
/// we serve or were told to trust may open a socket with the user's identity.
/// </summary>
internal sealed class OriginPolicy(IOptions<GatewayOptions> options)
{
    private readonly HashSet<string> _allowed = new(
        options.Value.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin) || _allowed.Contains("*") || _allowed.Contains(origin))
        {
            return true;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
