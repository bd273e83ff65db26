using Aspire.Hosting.ApplicationModel;

// The distributed mode: every service reads exactly what this file injects. Redis (ConnectionStrings__redis)
// is the bus, the shared conversation store and the Data Protection key ring; Ollama's model arrives as
// ConnectionStrings__ollama ("Endpoint=…;Model=…"); the UI finds the gateway through services__socket__http__0.
var builder = DistributedApplication.CreateBuilder(args);

var model = builder.Configuration["Ollama:Model"] ?? "llama3.2";
var gatewayReplicas = int.Parse(builder.Configuration["Socket:Replicas"] ?? "3", System.Globalization.CultureInfo.InvariantCulture);
const string OllamaImage = "ollama/ollama";
const string OllamaTag = "0.12.6";

// Used by `azd up` (publish); ignored by `dotnet run`.
builder.AddAzureContainerAppEnvironment("aca");

// Persisted, so that a Redis restart resumes streams in flight instead of ending them (see docs/distributed.md).
var redis = builder.AddRedis("redis")
    .WithDataVolume()
    .WithPersistence(TimeSpan.FromSeconds(5), keysChangedThreshold: 1);

// Ollama as a plain container: the model lives in a named volume and the container outlives the app host,
// so the model is pulled once and stays loaded between runs.
var ollamaServer = builder.AddContainer("ollama-server", OllamaImage, OllamaTag)
    .WithHttpEndpoint(targetPort: 11434, name: "http")
    .WithVolume("aspireagent-ollama-models", "/root/.ollama")
    .WithLifetime(ContainerLifetime.Persistent)
    .WithHttpHealthCheck("/api/version");
var ollamaEndpoint = ollamaServer.GetEndpoint("http");

// One-shot: `ollama pull` against the server; quick when the volume has the model already.
var modelPull = builder.AddContainer("ollama-pull", OllamaImage, OllamaTag)
    .WithEntrypoint("ollama")
    .WithArgs("pull", model)
    .WithEnvironment("OLLAMA_HOST", ollamaEndpoint)
    .WaitFor(ollamaServer);

var ollama = builder.AddConnectionString("ollama", ReferenceExpression.Create($"Endpoint={ollamaEndpoint};Model={model}"));

var inference = builder.AddProject("inference", "../Services.Inference/Services.Inference.csproj")
    .WithReference(redis)
    .WaitFor(redis)
    .WithReference(ollama)
    .WaitForCompletion(modelPull)
    .PublishAsAzureContainerApp((_, app) => app.Template.Scale.MinReplicas = 1);

var web = builder.AddProject("web", "../Web.Blazor/Host/Web.Blazor.csproj")
    .WithExternalHttpEndpoints();

// Stateless nodes behind one endpoint: the orchestrator's proxy (locally) or the Container Apps ingress
// spreads WebSockets over the replicas, and any replica resumes any stream. No session affinity.
var socket = builder.AddProject("socket", "../Services.Socket/Services.Socket.csproj")
    .WithReplicas(gatewayReplicas)
    .WithReference(redis)
    .WaitFor(redis)
    .WaitFor(inference)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    // The page comes from web's origin and opens its socket here: the gateway's Origin check must allow it.
    .WithEnvironment("Gateway__AllowedOrigins__0", web.GetEndpoint("http"))
    .PublishAsAzureContainerApp((_, app) => app.Template.Scale.MinReplicas = gatewayReplicas);

web.WithReference(socket)
    .WaitFor(socket);

builder.Build().Run();
