using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.Web.Client.Chat;

public static class ChatServiceCollectionExtensions
{
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddScoped<BrowserStorage>();
        services.AddScoped<ChatSession>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
