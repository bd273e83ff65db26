using AspireAgent.Socket.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AspireAgent.UnitTests.Gateway;

public sealed class AuthenticationOptionsTests
{
    private static readonly string Key = Convert.ToBase64String(new byte[32]);

    [Theory]
    [InlineData("Anonymous", null, null, null, null)]
    [InlineData("Jwt", "https://login.example.com/tenant", null, null, "api")]
    [InlineData("Either", null, "https://issuer.example.com", "KEY", "api")]
    [InlineData("Jwt", "https://login.example.com/tenant", null, "KEY", "api")]
    public void Valid_combinations_start(string mode, string? authority, string? issuer, string? key, string? audience)
    {
        var result = Validate(mode, authority, issuer, key, audience);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Jwt", null, "https://issuer.example.com", null, "api", "Authority or Gateway:Authentication:SigningKey")]
    [InlineData("Either", "https://login.example.com/tenant", null, null, null, "Audience")]
    [InlineData("Jwt", "not a uri", null, null, "api", "absolute URI")]
    [InlineData("Jwt", null, "https://issuer.example.com", "c2hvcnQ=", "api", "at least 32 bytes")]
    [InlineData("Jwt", null, "https://issuer.example.com", "not base64!", "api", "at least 32 bytes")]
    [InlineData("Jwt", null, null, "KEY", "api", "needs Gateway:Authentication:Issuer")]
    public void A_mode_that_takes_tokens_needs_what_it_checks_them_with(
        string mode, string? authority, string? issuer, string? key, string? audience, string expected)
    {
        var result = Validate(mode, authority, issuer, key, audience);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Fact]
    public void JwtBearer_checks_audience_issuer_lifetime_and_the_key_and_keeps_sub_unmapped()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Authentication:Mode"] = "Jwt",
            ["Gateway:Authentication:Issuer"] = "https://issuer.example.com",
            ["Gateway:Authentication:Audience"] = "api",
            ["Gateway:Authentication:SigningKey"] = Key,
            ["Gateway:Authentication:ClockSkew"] = "00:00:05",
        });
        builder.AddGatewayAuthentication();
        using var services = builder.Services.BuildServiceProvider();

        var jwt = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        Assert.False(jwt.MapInboundClaims);
        Assert.Equal("api", jwt.TokenValidationParameters.ValidAudience);
        Assert.Equal("https://issuer.example.com", jwt.TokenValidationParameters.ValidIssuer);
        Assert.True(jwt.TokenValidationParameters.ValidateLifetime);
        Assert.True(jwt.TokenValidationParameters.RequireExpirationTime);
        Assert.Equal(TimeSpan.FromSeconds(5), jwt.TokenValidationParameters.ClockSkew);
        Assert.Equal("sub", jwt.TokenValidationParameters.NameClaimType);
        Assert.NotNull(jwt.TokenValidationParameters.IssuerSigningKey);
    }

    private static ValidateOptionsResult Validate(string mode, string? authority, string? issuer, string? key, string? audience) =>
        new GatewayAuthenticationOptionsValidator().Validate(null, new GatewayAuthenticationOptions
        {
            Mode = Enum.Parse<AuthenticationMode>(mode),
            Authority = authority,
            Issuer = issuer,
            SigningKey = key == "KEY" ? Key : key,
            Audience = audience,
        });
}
