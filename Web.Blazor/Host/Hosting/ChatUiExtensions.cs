using AspireAgent.Web.Client;
using AspireAgent.Web.Diagnostics;
using AspireAgent.Web.Gateway;
using Microsoft.Extensions.Options;

namespace AspireAgent.Web.Hosting;

public static class ChatUiExtensions
{
    /// <summary>Registers the UI's options and decides where the gateway is; the caller adds the backend when standalone.</summary>
    public static GatewayLocation AddChatUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebOptions>()
            .Bind(builder.Configuration.GetSection(WebOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var gateway = GatewayLocation.Resolve(builder.Configuration);
        builder.Services.AddSingleton(gateway);
        return gateway;
    }

    /// <summary>Serves the WebAssembly app and <c>/client-config</c>, and announces the URL to open once listening.</summary>
    public static WebApplication MapChatUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapGet(ClientConfig.Path, (GatewayLocation gateway, IOptions<WebOptions> web) =>
            new ClientConfig(gateway.Url, string.IsNullOrWhiteSpace(web.Value.AccessTokenStorageKey) ? null : web.Value.AccessTokenStorageKey));
        app.MapFallbackToFile("index.html");

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AspireAgent.Web");
        app.Lifetime.ApplicationStarted.Register(() => Announce(app, logger));
        return app;
    }

    private static void Announce(WebApplication app, ILogger logger)
    {
        var gateway = app.Services.GetRequiredService<GatewayLocation>();
        logger.GatewayResolved(gateway.Source.ToString(), gateway.Url);
        if (app.Urls.FirstOrDefault() is { } address)
        {
            logger.Running(Browsable(address));
        }
        else
        {
            logger.NoAddress();
        }
    }

    // Wildcard bindings are not addresses a browser can open.
    private static string Browsable(string address)
    {
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.ToString().TrimEnd('/');
    }
}
