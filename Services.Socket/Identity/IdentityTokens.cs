using System.Security.Cryptography;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Identity;

/// <summary>
/// Issues and verifies signed anonymous identities with ASP.NET Core Data Protection: the token is the
/// identity id, encrypted and authenticated, with an expiry. Nodes that share the key ring (as the
/// distributed mode configures) accept each other's tokens.
/// </summary>
public sealed class IdentityTokens(
    IDataProtectionProvider provider, IOptions<GatewayOptions> options, TimeProvider time, ILogger<IdentityTokens> logger)
{
    private const string Purpose = "AspireAgent.Identity.v1";

    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    public IssuedIdentity Issue()
    {
        var id = "u_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var expires = time.GetUtcNow() + options.Value.IdentityLifetime;
        return new IssuedIdentity(id, _protector.Protect(id, expires));
    }

    /// <summary>The identity the token names, or null when it is forged, from another key ring, or expired.</summary>
    public string? Verify(string token)
    {
        try
        {
            var id = _protector.Unprotect(token, out var expires);
            if (expires > time.GetUtcNow())
            {
                return id;
            }

            logger.IdentityRejected("expired");
            return null;
        }
        catch (CryptographicException exception)
        {
            // The cause tells an operator whether nodes disagree on the key ring (key not found) or a client forged it.
            logger.IdentityRejected(exception.GetBaseException().Message);
            return null;
        }
    }
}

public sealed record IssuedIdentity(string Id, string Token);
