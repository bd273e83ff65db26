using AspireAgent.Bus.Hosting;
using Microsoft.AspNetCore.DataProtection;
using AspireAgent.Socket.Chat;
using AspireAgent.Socket.Connections;
using AspireAgent.Socket.Dispatch;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Endpoints;
using AspireAgent.Socket.Flow;
using AspireAgent.Socket.Heartbeat;
using AspireAgent.Socket.Hosting;
using AspireAgent.Socket.Identity;
using AspireAgent.Socket.Options;
using AspireAgent.Socket.Quotas;
using AspireAgent.Socket.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket;

public static class SocketGatewayExtensions
{
    /// <summary>Registers the WebSocket gateway: options, identity, connection handling, graceful shutdown.</summary>
    public static IHostApplicationBuilder AddSocketGateway(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddOptions<HeartbeatOptions>()
            .Bind(builder.Configuration.GetSection(HeartbeatOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<QuotaOptions>()
            .Bind(builder.Configuration.GetSection(QuotaOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddGatewayAuthentication();
        builder.AddReusePortListener();
        services.TryAddSingleton(TimeProvider.System);
        services.AddDataProtection().SetApplicationName("AspireAgent").PersistKeysToAgentBus();

        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<IdentityTokens>();
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton(sp => new ConnectionTimers(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConnectionTimers>>(),
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.TimerResolution));
        services.AddSingleton<UserMessageRateLimiter>();
        services.AddSingleton<ChatRequestHandler>();
        services.AddSingleton<StreamResumeHandler>();
        services.AddSingleton<StreamSignalHandler>();
        services.AddSingleton<ConversationRequestHandler>();
        services.AddSingleton<InboundDispatcher>();
        services.AddSingleton<IInboundHandler>(sp => sp.GetRequiredService<InboundDispatcher>());
        services.AddSingleton<AcknowledgementFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<AcknowledgementFlusher>());
        services.AddSingleton<WebSocketEndpoint>();
        services.AddHostedService<GracefulShutdown>();
        services.AddHealthChecks().AddCheck<ConnectionCapacityHealthCheck>("connection-capacity");
        return builder;
    }

    /// <summary>Maps the gateway's WebSocket endpoint (<c>/ws</c> by default).</summary>
    public static WebApplication MapSocketGateway(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        app.UseWebSockets();
        var endpoint = app.Services.GetRequiredService<WebSocketEndpoint>();
        app.Map(options.Path, endpoint.HandleAsync);
        return app;
    }
}
