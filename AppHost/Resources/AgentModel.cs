using Aspire.Hosting.ApplicationModel;
using AspireAgent.AppHost.Topology;

namespace AspireAgent.AppHost.Resources;

/// <summary>The model a worker answers with: a connection string (<c>Endpoint=…;Model=…</c>) and what must finish first.</summary>
internal sealed record AgentModel(IResourceBuilder<IResourceWithConnectionString> Connection, IResourceBuilder<IResource>? Pull)
{
    private const string OllamaImage = "ollama/ollama";
    private const string OllamaTag = "0.12.6";

    /// <summary>Null for the simulated model: the worker then streams its deterministic text.</summary>
    public static AgentModel? Add(IDistributedApplicationBuilder builder, TopologyChoice topology)
    {
        var model = topology.Options.OllamaModel;
        switch (topology.Model)
        {
            case ModelSource.ConnectionString:
                return new AgentModel(builder.AddConnectionString("ollama"), null);
            case ModelSource.Container:
            {
                // The model lives in a named volume and the container outlives the app host: pulled once, loaded between runs.
                var server = builder.AddContainer("ollama-server", OllamaImage, OllamaTag)
                    .WithHttpEndpoint(targetPort: 11434, name: "http")
                    .WithVolume("aspireagent-ollama-models", "/root/.ollama")
                    .WithLifetime(ContainerLifetime.Persistent)
                    .WithHttpHealthCheck("/api/version");
                var endpoint = server.GetEndpoint("http");
                var pull = builder.AddContainer("ollama-pull", OllamaImage, OllamaTag)
                    .WithEntrypoint("ollama")
                    .WithArgs("pull", model)
                    .WithEnvironment("OLLAMA_HOST", endpoint)
                    .WaitFor(server);
                return new AgentModel(builder.AddConnectionString("ollama", ReferenceExpression.Create($"Endpoint={endpoint};Model={model}")), pull);
            }

            case ModelSource.Executable:
            {
                var port = FreePort.Next();
                var host = $"127.0.0.1:{port}";
                var server = builder.AddExecutable("ollama-server", "ollama", ".", "serve")
                    .WithEnvironment("OLLAMA_HOST", host)
                    .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
                    .WithHttpHealthCheck("/api/version");
                var pull = builder.AddExecutable("ollama-pull", "ollama", ".", "pull", model)
                    .WithEnvironment("OLLAMA_HOST", host)
                    .WaitFor(server);
                return new AgentModel(builder.AddConnectionString("ollama", ReferenceExpression.Create($"Endpoint=http://{host};Model={model}")), pull);
            }

            default:
                return null;
        }
    }
}
