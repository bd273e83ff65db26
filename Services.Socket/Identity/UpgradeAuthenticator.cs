using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AspireAgent.Socket.Identity;

/// <summary>
/// Decides, before the upgrade, who is connecting: a bearer token's subject, nobody yet (the <c>hello</c>
/// handshake then issues or restores an anonymous identity), or a refusal answered with 401.
/// </summary>
internal sealed class UpgradeAuthenticator(IOptions<GatewayAuthenticationOptions> options)
{
    public async Task<UpgradeIdentity> AuthenticateAsync(HttpContext context)
    {
        var mode = options.Value.Mode;
        if (mode is AuthenticationMode.Anonymous)
        {
            return UpgradeIdentity.Anonymous;
        }

        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (result.Succeeded)
        {
            var subject = result.Principal.FindFirstValue(JwtRegisteredClaimNames.Sub);
            return string.IsNullOrEmpty(subject)
                ? UpgradeIdentity.Refused("The token has no subject (sub).")
                : UpgradeIdentity.Bearer(subject);
        }

        if (result.None)
        {
            return mode is AuthenticationMode.Either
                ? UpgradeIdentity.Anonymous
                : UpgradeIdentity.Refused("A bearer token is required (Authorization header or access_token query parameter).");
        }

        // Either mode never falls back to anonymous for a token that failed: the client meant to sign in.
        return UpgradeIdentity.Refused("The bearer token did not validate.");
    }
}

/// <summary>The outcome of <see cref="UpgradeAuthenticator"/>: a subject, anonymous, or a refusal reason.</summary>
internal readonly record struct UpgradeIdentity(string? Subject, string? Refusal)
{
    public static UpgradeIdentity Anonymous => default;

    public static UpgradeIdentity Bearer(string subject) => new(subject, null);

    public static UpgradeIdentity Refused(string reason) => new(null, reason);
}
