using AspireAgent.Bus.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AspireAgent.Bus;

public static class BusHostingExtensions
{
    /// <summary>
    /// Registers the bus that the gateway and the workers share. Safe to call from both in one process:
    /// the second call finds the first registration and adds nothing.
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

        if (services.Any(d => d.ServiceType == typeof(IRequestQueue)))
        {
            return builder;
        }

        services.AddSingleton<MemoryRequestQueue>();
        services.AddSingleton<MemoryStreamStore>();
        services.AddSingleton<MemoryConversationStore>();
        services.AddSingleton<MemoryStreamSignals>();
        services.AddSingleton<IRequestQueue>(sp => sp.GetRequiredService<MemoryRequestQueue>());
        services.AddSingleton<IStreamStore>(sp => sp.GetRequiredService<MemoryStreamStore>());
        services.AddSingleton<IConversationStore>(sp => sp.GetRequiredService<MemoryConversationStore>());
        services.AddSingleton<IStreamSignals>(sp => sp.GetRequiredService<MemoryStreamSignals>());
        services.AddHostedService<MemoryBusSweeper>();
        return builder;
    }
}
