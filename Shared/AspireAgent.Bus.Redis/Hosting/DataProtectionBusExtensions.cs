using AspireAgent.Bus.Redis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Hosting;

public static class DataProtectionBusExtensions
{
    /// <summary>
    /// Keeps the key ring in the bus's Redis when the bus is Redis: every node must read the identity tokens any
    /// other node issued. With the in-memory bus (one process) the default key ring stays.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToAgentBus(this IDataProtectionBuilder builder)
    {
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(keyManagement =>
        {
            if (sp.GetService<RedisConnection>() is { } redis)
            {
                keyManagement.XmlRepository = new RedisKeyRingRepository(
                    () => redis.Database, redis.Keys.DataProtectionKeys, sp.GetRequiredService<ILogger<RedisKeyRingRepository>>());
            }
        }));
        return builder;
    }
}
