using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AspireAgent.IntegrationTests.Infrastructure;

/// <summary>
/// A token issuer for tests: a fresh HS256 key per instance, the gateway settings that trust it, and tokens
/// minted with it (or deliberately wrong in one respect).
/// </summary>
public sealed class TestTokens
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "aspireagent-gateway";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public byte[] SigningKey => _key;

    /// <summary>Gateway configuration trusting this issuer in <paramref name="mode"/>.</summary>
    public Dictionary<string, string?> GatewaySettings(string mode = "Jwt") => new()
    {
        ["Gateway:Authentication:Mode"] = mode,
        ["Gateway:Authentication:Issuer"] = Issuer,
        ["Gateway:Authentication:Audience"] = Audience,
        ["Gateway:Authentication:SigningKey"] = Convert.ToBase64String(_key),
    };

    public string Mint(string subject, string audience = Audience, TimeSpan? lifetime = null, byte[]? signingKey = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject)]),
            // An already expired token must also have been issued before it expired.
            IssuedAt = expires < now ? expires - TimeSpan.FromMinutes(10) : now,
            NotBefore = expires < now ? expires - TimeSpan.FromMinutes(10) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey ?? _key), SecurityAlgorithms.HmacSha256),
        });
    }
}
