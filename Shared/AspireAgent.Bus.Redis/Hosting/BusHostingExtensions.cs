using AspireAgent.Bus.Hosting;
using AspireAgent.Bus.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AspireAgent.Bus;

public static class BusHostingExtensions
{
    /// <summary>
    /// Registers the bus that the gateway and the workers share: Redis Streams when the connection string
    /// <c>ConnectionStrings:redis</c> (or the one <c>Bus:Redis:ConnectionName</c> names) is set, which is what
    /// Aspire injects for a referenced Redis resource; otherwise the in-memory bus of the single-process mode.
    /// Safe to call from both in one process: the second call finds the first registration and adds nothing.
    /// </summary>
    public static IHostApplicationBuilder AddAgentBus(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BusOptions>()
            .Bind(builder.Configuration.GetSection(BusOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Turns.TurnLifecycle>();

        if (services.Any(d => d.ServiceType == typeof(IRequestQueue)))
        {
            return builder;
        }

        var connectionName = builder.Configuration.GetSection(RedisBusOptions.SectionName)[nameof(RedisBusOptions.ConnectionName)]
            ?? new RedisBusOptions().ConnectionName;
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            builder.AddMemoryBus();
        }
        else
        {
            builder.AddRedisBus(connectionName, connectionString);
        }

        return builder;
    }
}
