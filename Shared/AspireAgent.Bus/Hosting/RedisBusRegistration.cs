using AspireAgent.Bus.Redis;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Hosting;

/// <summary>The distributed bus: one Redis shared by every gateway node and worker.</summary>
internal static class RedisBusRegistration
{
    public static void AddRedisBus(this IHostApplicationBuilder builder, string connectionString)
    {
        var services = builder.Services;
        services.AddOptions<RedisBusOptions>()
            .Bind(builder.Configuration.GetSection(RedisBusOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisBusOptions>, RedisBusOptionsValidator>());

        services.AddSingleton(sp => new RedisConnection(
            connectionString,
            new RedisKeys(sp.GetRequiredService<IOptions<RedisBusOptions>>().Value.KeyPrefix),
            sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddSingleton<OutageGuard>();
        services.AddSingleton<RequestAnnouncements>();
        services.AddSingleton<LeaseRegistry>();
        services.AddSingleton<RedisStreamReader>();
        services.AddSingleton<IRequestQueue, RedisRequestQueue>();
        services.AddSingleton<IStreamStore, RedisStreamStore>();
        services.AddSingleton<IConversationStore, RedisConversationStore>();
        services.AddSingleton<IStreamSignals, RedisStreamSignals>();
        services.AddSingleton<IAnswerQuota, RedisAnswerQuota>();
        // Also connects at start, before the first request needs Redis.
        services.AddHostedService<RedisLeaseKeeper>();
        services.AddHealthChecks().AddCheck<RedisBusHealthCheck>("redis");

        // Every node must read the identity tokens any other node issued: the Data Protection key ring lives
        // in the same Redis. (Only processes that use Data Protection ever read it.)
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(keyManagement =>
        {
            var redis = sp.GetRequiredService<RedisConnection>();
            keyManagement.XmlRepository = new RedisXmlRepository(() => redis.Database, redis.Keys.DataProtectionKeys);
        }));
    }
}
