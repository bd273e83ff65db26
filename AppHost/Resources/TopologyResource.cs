using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using AspireAgent.AppHost.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireAgent.AppHost.Resources;

/// <summary>The AppHost's choice of topology as a dashboard row (its properties say what and why) and a log line.</summary>
public sealed class TopologyResource(string name) : Resource(name)
{
}

internal static partial class TopologyResources
{
    public static void AddTopologyReport(this IDistributedApplicationBuilder builder, TopologyChoice topology)
    {
        builder.AddResource(new TopologyResource("topology"))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Topology",
                State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
                Properties =
                [
                    new("aspireagent.mode", topology.IsOneProcess ? "one process, in-memory bus" : "distributed, Redis bus"),
                    new("aspireagent.containers", topology.ContainerRuntime ?? "none"),
                    new("aspireagent.redis", $"{topology.Redis}: {topology.RedisReason}"),
                    new("aspireagent.model", $"{topology.Model}: {topology.ModelReason}"),
                ],
            })
            .ExcludeFromManifest();

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AspireAgent.AppHost");
            LogTopology(logger, topology.Summary);
            return Task.CompletedTask;
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "AspireAgent topology: {Summary}")]
    private static partial void LogTopology(ILogger logger, string summary);
}
