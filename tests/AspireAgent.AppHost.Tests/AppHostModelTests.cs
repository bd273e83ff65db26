using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspireAgent.AppHost.Tests;

/// <summary>The application model as the AppHost declares it: names and injected configuration the services rely on.</summary>
public sealed class AppHostModelTests
{
    [Fact]
    public async Task Without_containers_redis_server_is_the_bus_and_every_service_gets_the_configuration_it_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--AppHost:ContainerRuntime=none", "--AppHost:Redis=Executable", "--AppHost:Model=Simulated"], ct);
        var resources = appHost.Resources;

        var socket = await EnvironmentOfAsync(resources, "socket", ct);
        var inference = await EnvironmentOfAsync(resources, "inference", ct);
        var web = await EnvironmentOfAsync(resources, "web", ct);

        Assert.Equal("redis-server", Assert.IsAssignableFrom<ExecutableResource>(resources.Single(r => r.Name == "redis")).Command);
        Assert.Contains("ConnectionStrings__redis", socket.Keys);
        Assert.Contains("ConnectionStrings__redis", inference.Keys);
        Assert.DoesNotContain("ConnectionStrings__ollama", inference.Keys);
        Assert.Equal("Simulated", inference["Inference__Provider"]);
        Assert.Contains("services__socket__http__0", web.Keys);
        Assert.Contains("Gateway__AllowedOrigins__0", socket.Keys);
        Assert.Equal(3, resources.OfType<ProjectResource>().Single(r => r.Name == "socket").Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
        var gateway = resources.Single(r => r.Name == "socket").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
        Assert.Equal(5090, gateway.Port);
        Assert.Contains(resources, r => r.Name == "topology");
    }

    [Fact]
    public async Task With_no_redis_the_one_process_host_serves_the_chat_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--AppHost:ContainerRuntime=none", "--AppHost:Redis=None", "--AppHost:Model=Simulated"], ct);
        var resources = appHost.Resources;

        var web = await EnvironmentOfAsync(resources, "web", ct);

        Assert.DoesNotContain(resources, r => r.Name is "socket" or "inference" or "redis");
        Assert.DoesNotContain("ConnectionStrings__redis", web.Keys);
        Assert.DoesNotContain(web.Keys, k => k.StartsWith("services__socket", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyDictionary<string, string>> EnvironmentOfAsync(IResourceCollection resources, string name, CancellationToken ct)
    {
        var resource = resources.Single(r => r.Name == name);
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, ct);
        return configuration.EnvironmentVariables.ToDictionary();
    }
}
