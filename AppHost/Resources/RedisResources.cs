using Aspire.Hosting.ApplicationModel;
using AspireAgent.AppHost.Topology;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.AppHost.Resources;

internal static class RedisResources
{
    /// <summary>The bus's Redis as the topology chose it; null for the one-process host (no Redis at all).</summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddAgentRedis(this IDistributedApplicationBuilder builder, TopologyChoice topology)
    {
        switch (topology.Redis)
        {
            case RedisSource.ConnectionString:
                return builder.AddConnectionString("redis");
            case RedisSource.Container:
                // Persisted, so that a Redis restart resumes streams in flight instead of ending them (docs/distributed.md).
                return builder.AddRedis("redis")
                    .WithDataVolume()
                    .WithPersistence(TimeSpan.FromSeconds(5), keysChangedThreshold: 1);
            case RedisSource.Executable:
                return builder.AddRedisServer("redis");
            default:
                return null;
        }
    }

    private static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var port = FreePort.Next();
        var directory = Directory.CreateTempSubdirectory("aspireagent-redis-").FullName;
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis($"127.0.0.1:{port},abortConnect=false", name: healthCheck);
        // Not proxied: the bus sees the real server (its restarts, its CLIENT LIST), and the port is the one we chose.
        return builder.AddResource(new RedisServerResource(name, directory))
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: RedisServerResource.EndpointName, isProxied: false)
            .WithArgs("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", directory, "--appendonly", "no", "--save", "5", "1")
            .WithHealthCheck(healthCheck)
            .WithIconName("Database");
    }
}
