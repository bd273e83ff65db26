using AspireAgent.Bus.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireAgent.Bus.Hosting;

/// <summary>The single-process bus: everything in memory, swept on the injected clock.</summary>
internal static class MemoryBusRegistration
{
    public static void AddMemoryBus(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<MemoryRequestQueue>();
        services.AddSingleton<MemoryStreamStore>();
        services.AddSingleton<MemoryConversationStore>();
        services.AddSingleton<MemoryStreamSignals>();
        services.AddSingleton<MemoryAnswerQuota>();
        services.AddSingleton<IRequestQueue>(sp => sp.GetRequiredService<MemoryRequestQueue>());
        services.AddSingleton<IStreamStore>(sp => sp.GetRequiredService<MemoryStreamStore>());
        services.AddSingleton<IConversationStore>(sp => sp.GetRequiredService<MemoryConversationStore>());
        services.AddSingleton<IStreamSignals>(sp => sp.GetRequiredService<MemoryStreamSignals>());
        services.AddSingleton<IAnswerQuota>(sp => sp.GetRequiredService<MemoryAnswerQuota>());
        services.AddHostedService<MemoryBusSweeper>();
    }
}
