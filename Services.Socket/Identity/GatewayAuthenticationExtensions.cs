using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AspireAgent.Socket.Identity;

internal static class GatewayAuthenticationExtensions
{
    private const string SuppressAutoDefaultScheme = "Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme";

    /// <summary>
    /// Bearer tokens on the upgrade (JwtBearer, configured from <c>Gateway:Authentication</c>), validated on start.
    /// Registered whatever the mode, so a node's behaviour is decided by configuration alone.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayAuthenticationOptions>()
            .Bind(builder.Configuration.GetSection(GatewayAuthenticationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayAuthenticationOptions>, GatewayAuthenticationOptionsValidator>();
        // The upgrade authenticates with JwtBearer by name (UpgradeAuthenticator). As the only scheme it would also
        // become the default one, and the middleware WebApplication adds would then run it on every request and
        // keep its handler and result alive for the whole life of each WebSocket, anonymous ones included.
        AppContext.SetSwitch(SuppressAutoDefaultScheme, true);
        services.AddAuthentication().AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<GatewayAuthenticationOptions>>((jwt, gateway) => Configure(jwt, gateway.Value));
        services.AddSingleton<UpgradeAuthenticator>();

        // Hosting's "Request starting" line carries the query string, and with it a browser's access_token.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return builder;
    }

    private static void Configure(JwtBearerOptions jwt, GatewayAuthenticationOptions options)
    {
        // Keep the token's own claim names, so the identity is exactly "sub" and not a mapped URI.
        jwt.MapInboundClaims = false;
        jwt.Authority = string.IsNullOrWhiteSpace(options.Authority) ? null : options.Authority;
        jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudience = options.Audience,
            ValidateAudience = true,
            ValidIssuer = options.Issuer,
            ValidateIssuer = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew,
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
        if (options.SigningKey is { Length: > 0 } encoded
            && GatewayAuthenticationOptionsValidator.TryDecodeKey(encoded, out var key))
        {
            jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(key);
        }

        jwt.Events = new JwtBearerEvents
        {
            // Browsers cannot set headers on a WebSocket, so, as SignalR does, the token may ride in the query.
            OnMessageReceived = context =>
            {
                if (string.IsNullOrEmpty(context.Request.Headers.Authorization)
                    && context.Request.Query.TryGetValue(GatewayAuthenticationOptions.AccessTokenParameter, out var token))
                {
                    context.Token = token.ToString();
                }

                return Task.CompletedTask;
            },
        };
    }
}
