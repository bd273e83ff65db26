using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Socket.Identity;

/// <summary>
/// Sign-in on the WebSocket upgrade, bound from <c>Gateway:Authentication</c>. Tokens are validated either
/// against an OpenID Connect authority (its metadata supplies issuer and keys) or against a symmetric signing
/// key with an explicit issuer; the audience is always checked.
/// </summary>
public sealed class GatewayAuthenticationOptions
{
    public const string SectionName = "Gateway:Authentication";

    /// <summary>The query parameter a browser uses for its token, since it cannot set headers on a WebSocket.</summary>
    public const string AccessTokenParameter = "access_token";

    public AuthenticationMode Mode { get; set; } = AuthenticationMode.Anonymous;

    /// <summary>OpenID Connect authority, for example <c>https://login.example.com/tenant</c>; its metadata gives issuer and keys.</summary>
    public string? Authority { get; set; }

    /// <summary>Whether the authority's metadata must come over HTTPS; only a development identity provider turns this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The audience tokens must be issued for (the <c>aud</c> claim).</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer tokens must come from (<c>iss</c>); required with <see cref="SigningKey"/>, taken from the authority otherwise.</summary>
    public string? Issuer { get; set; }

    /// <summary>A symmetric signing key (HS256), base64, at least 32 bytes; for deployments that mint their own tokens.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Tolerance for clocks that disagree when checking expiry.</summary>
    [TimeSpanRange("00:00:00", "00:10:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool AcceptsTokens => Mode is not AuthenticationMode.Anonymous;
}
