using AspireAgent.Bus.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace AspireAgent.Bus.Hosting;

/// <summary>The distributed bus: one Redis shared by every gateway node and worker.</summary>
internal static class RedisBusRegistration
{
    /// <summary>
    /// The multiplexer is Aspire's Redis client integration (<c>AddRedisClient</c>): one per process, with its
    /// health check (<c>StackExchange.Redis</c>), its tracing and its configuration section
    /// (<c>Aspire:StackExchange:Redis</c>), set up the way the bus needs it to ride out Redis outages. Its Redis
    /// spans come from the same OpenTelemetry instrumentation, registered here to keep the polling out of traces.
    /// </summary>
    public static void AddRedisBus(this IHostApplicationBuilder builder, string connectionName, string connectionString)
    {
        builder.AddRedisClient(
            connectionName,
            settings =>
            {
                settings.ConnectionString = connectionString;
                // Traced below, with the polling filtered out (Aspire's own instrumentation takes no filter).
                settings.DisableTracing = true;
            },
            RedisConnection.Configure);
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddRedisInstrumentation(RedisTracingFilter.Configure));

        var services = builder.Services;
        services.AddOptions<RedisBusOptions>()
            .Bind(builder.Configuration.GetSection(RedisBusOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisBusOptions>, RedisBusOptionsValidator>());

        services.AddSingleton(sp => new RedisConnection(
            sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
            new RedisKeys(sp.GetRequiredService<IOptions<RedisBusOptions>>().Value),
            sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddSingleton<OutageGuard>();
        services.AddSingleton<RequestAnnouncements>();
        services.AddSingleton<LeaseRegistry>();
        services.AddSingleton<ClaimSchedule>();
        services.AddSingleton(sp => new RequestShards(
            sp.GetRequiredService<RedisConnection>().Keys, sp.GetRequiredService<IOptions<RedisBusOptions>>().Value.RequestQueueShards));
        services.AddSingleton<RequestQueueLayouts>();
        services.AddSingleton<NodeFeed>();
        services.AddSingleton<RedisStreamReader>();
        services.AddSingleton<IRequestQueue, RedisRequestQueue>();
        services.AddSingleton<IStreamStore, RedisStreamStore>();
        services.AddSingleton<IConversationStore, RedisConversationStore>();
        services.AddSingleton<IStreamSignals, RedisStreamSignals>();
        services.AddSingleton<IAnswerQuota, RedisAnswerQuota>();
        // Also connects at start, before the first request needs Redis.
        services.AddHostedService<RedisLeaseKeeper>();
        services.AddSingleton<StreamAppendPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamAppendPipeline>());
        services.AddSingleton<AcknowledgementPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<AcknowledgementPublisher>());
    }
}
