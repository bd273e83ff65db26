using Aspire.Hosting.ApplicationModel;
using AspireAgent.AppHost.Publishing;
using AspireAgent.AppHost.Topology;

namespace AspireAgent.AppHost.Resources;

/// <summary>
/// The services, reading exactly what is injected here: <c>ConnectionStrings__redis</c> (bus, conversations, key
/// ring), <c>ConnectionStrings__ollama</c> (the model) and, for the UI, <c>services__socket__http__0</c>.
/// </summary>
internal static class AgentServices
{
    /// <summary>The UI, a gateway and a worker in one process on the in-memory bus: the chat with no Redis.</summary>
    public static IResourceBuilder<ProjectResource> AddOneProcessHost(this IDistributedApplicationBuilder builder, AgentModel? model) =>
        builder.AddProject<Projects.Web_Blazor>("web")
            .WithModel(model)
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health")
            .WithChatUrls(gateway: "/ws");

    public static IResourceBuilder<ProjectResource> AddDistributed(
        this IDistributedApplicationBuilder builder, TopologyOptions options, IResourceBuilder<IResourceWithConnectionString> redis, AgentModel? model)
    {
        var inference = builder.AddProject<Projects.Services_Inference>("inference")
            .WithHttpEndpoint(name: "http")
            .WithHttpHealthCheck("/health")
            .WithReference(redis)
            .WaitFor(redis)
            .WithModel(model)
            .PublishAsScaledContainerApp(minReplicas: 1);

        var web = builder.AddProject<Projects.Web_Blazor>("web")
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health");

        // Stateless nodes behind one port: the orchestrator's proxy (locally) or the Container Apps ingress spreads
        // WebSockets over the replicas, and any replica resumes any stream. No session affinity.
        var socket = builder.AddProject<Projects.Services_Socket>("socket")
            .WithHttpEndpoint(port: options.GatewayPort, name: "http")
            .WithReplicas(options.GatewayReplicas)
            .WithReference(redis)
            .WaitFor(redis)
            .WaitFor(inference)
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health")
            // The page comes from web's origin and opens its socket here: the gateway's Origin check must allow it,
            // as the endpoint names it (the launch profile's http://127.0.0.1:5080) and as http://localhost:5080.
            .WithEnvironment("Gateway__AllowedOrigins__0", web.GetEndpoint("http"))
            .WithEnvironment("Gateway__AllowedOrigins__1", ReferenceExpression.Create($"http://localhost:{web.GetEndpoint("http").Property(EndpointProperty.Port)}"))
            .WithUrlForEndpoint("http", url =>
            {
                url.Url = ToWebSocket(url.Url);
                url.DisplayText = "Gateway WebSocket";
            })
            .PublishAsScaledContainerApp(minReplicas: options.GatewayReplicas);

        return web.WithReference(socket)
            .WaitFor(socket)
            .WithChatUrls(gateway: null);
    }

    private static IResourceBuilder<ProjectResource> WithModel(this IResourceBuilder<ProjectResource> project, AgentModel? model)
    {
        if (model is null)
        {
            return project.WithEnvironment("Inference__Provider", "Simulated");
        }

        project.WithReference(model.Connection);
        return model.Pull is { } pull ? project.WaitForCompletion(pull) : project;
    }

    private static IResourceBuilder<ProjectResource> WithChatUrls(this IResourceBuilder<ProjectResource> web, string? gateway) =>
        web.WithUrls(context =>
        {
            foreach (var url in context.Urls.Where(u => u.Endpoint?.EndpointName == "http").ToList())
            {
                url.DisplayText = "Chat";
                context.Urls.Add(new ResourceUrlAnnotation { Url = url.Url.TrimEnd('/') + "/ops", DisplayText = "Ops", Endpoint = url.Endpoint });
                if (gateway is not null)
                {
                    context.Urls.Add(new ResourceUrlAnnotation { Url = ToWebSocket(url.Url.TrimEnd('/')) + gateway, DisplayText = "Gateway WebSocket", Endpoint = url.Endpoint });
                }
            }
        });

    private static string ToWebSocket(string url) =>
        (url.StartsWith("https://", StringComparison.Ordinal) ? "wss://" + url[8..] : "ws://" + url.Replace("http://", string.Empty, StringComparison.Ordinal)).TrimEnd('/')
        + (url.Contains("/ws", StringComparison.Ordinal) ? string.Empty : "/ws");
}
