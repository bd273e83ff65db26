using AspireAgent.Inference;
using AspireAgent.Inference.Models.Ollama;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;

namespace AspireAgent.UnitTests.Inference;

public sealed class OllamaHttpClientTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Replaces_the_service_defaults_resilience_whatever_the_registration_order(bool defaultsFirst)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Inference:Ollama:Endpoint"] = "http://127.0.0.1:11434" });
        if (defaultsFirst)
        {
            AddServiceDefaultsResilience(builder.Services);
        }

        builder.AddInferenceWorker();
        if (!defaultsFirst)
        {
            AddServiceDefaultsResilience(builder.Services);
        }

        using var services = builder.Services.BuildServiceProvider();
        var handlers = services.GetRequiredService<IHttpMessageHandlerFactory>();

        // The standard handler (30 s total timeout) is gone; the inference pipeline is the only one left.
        Assert.Equal(1, CountResilienceHandlers(handlers.CreateHandler(OllamaHttpClient.Name)));
        Assert.Equal(1, CountResilienceHandlers(handlers.CreateHandler("some-other-client")));
    }

    [Fact]
    public void Has_no_client_timeout_and_keeps_a_base_path()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Inference:Ollama:Endpoint"] = "http://127.0.0.1:8080/ollama" });
        builder.AddInferenceWorker();
        using var services = builder.Services.BuildServiceProvider();

        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(OllamaHttpClient.Name);

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
        Assert.Equal(new Uri("http://127.0.0.1:8080/ollama/"), client.BaseAddress);
        Assert.Equal(new Uri("http://127.0.0.1:8080/ollama/api/chat"), new Uri(client.BaseAddress!, "api/chat"));
    }

    // What ServiceDefaults does for every client of every service.
    private static void AddServiceDefaultsResilience(IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());

    private static int CountResilienceHandlers(HttpMessageHandler handler)
    {
        var count = 0;
        for (var current = handler; current is DelegatingHandler delegating; current = delegating.InnerHandler)
        {
            if (current is ResilienceHandler)
            {
                count++;
            }
        }

        return count;
    }
}
