using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace AspireAgent.AppHost.Tests;

/// <summary>The application model as the app host declares it: names and injected configuration the services rely on.</summary>
public sealed class AppHostModelTests
{
    [Fact]
    public async Task Every_service_gets_the_configuration_it_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(ct);
        var resources = appHost.Resources;

        var socket = await EnvironmentOfAsync(resources, "socket");
        var inference = await EnvironmentOfAsync(resources, "inference");
        var web = await EnvironmentOfAsync(resources, "web");

        Assert.Contains("ConnectionStrings__redis", socket.Keys);
        Assert.Contains("ConnectionStrings__redis", inference.Keys);
        Assert.Contains("ConnectionStrings__ollama", inference.Keys);
        Assert.Contains("services__socket__http__0", web.Keys);
        Assert.Equal(3, resources.OfType<ProjectResource>().Single(r => r.Name == "socket").Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
    }

    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(IResourceCollection resources, string name) =>
        await ((IResourceWithEnvironment)resources.Single(r => r.Name == name))
            .GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
}
