using AspireAgent.Bus;
using AspireAgent.Inference;
using AspireAgent.Inference.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AspireAgent.UnitTests.Inference;

public sealed class InferenceOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_choose_the_simulated_model()
    {
        using var services = Build([]);

        var inference = services.GetRequiredService<IOptions<InferenceOptions>>().Value;
        var ollama = services.GetRequiredService<IOptions<OllamaOptions>>().Value;
        var simulated = services.GetRequiredService<IOptions<SimulatedModelOptions>>().Value;

        Assert.Equal(InferenceProvider.Auto, inference.Provider);
        Assert.Equal(4, inference.Concurrency);
        Assert.Equal(4, inference.Batching.MaxChars);
        Assert.Equal(TimeSpan.FromMilliseconds(15), inference.Batching.MaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), inference.MaxAnswerDuration);
        Assert.Null(ollama.Endpoint);
        Assert.Equal("llama3.2", ollama.Model);
        Assert.Equal("ollama", ollama.ConnectionName);
        Assert.Equal(40, simulated.TokensPerSecond);
        Assert.Equal(60, simulated.TokenCount);
        Assert.Equal(InferenceProvider.Simulated, InferenceModelFactory.ResolveProvider(inference, ollama));
    }

    [Theory]
    [InlineData("Inference:Concurrency", "0")]
    [InlineData("Inference:Batching:MaxChars", "0")]
    [InlineData("Inference:Batching:MaxChars", "4097")]
    [InlineData("Inference:Batching:MaxDelay", "-00:00:00.001")]
    [InlineData("Inference:Batching:MaxDelay", "00:01:01")]
    [InlineData("Inference:MaxAnswerDuration", "00:00:00")]
    [InlineData("Inference:Provider", "7")]
    public void Rejects_bad_inference_values(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<InferenceOptions>>().Value);
        Assert.NotEmpty(error.Failures);
    }

    [Fact]
    public void Rejects_the_Ollama_provider_without_an_endpoint()
    {
        using var services = Build(new() { ["Inference:Provider"] = "Ollama" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<InferenceOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains("Inference:Ollama:Endpoint", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Inference:Ollama:Endpoint", "not a url")]
    [InlineData("Inference:Ollama:Endpoint", "ftp://127.0.0.1:11434")]
    [InlineData("Inference:Ollama:Model", "")]
    [InlineData("Inference:Ollama:MaxRetryAttempts", "11")]
    [InlineData("Inference:Ollama:ResponseHeadersTimeout", "00:00:00.010")]
    [InlineData("ConnectionStrings:ollama", "Model=phi3")]
    [InlineData("ConnectionStrings:ollama", "Endpoint=localhost:11434")]
    public void Rejects_bad_ollama_values(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OllamaOptions>>().Value);
    }

    [Theory]
    [InlineData("Inference:Simulated:TokensPerSecond", "0")]
    [InlineData("Inference:Simulated:TokenCount", "0")]
    public void Rejects_bad_simulated_values(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SimulatedModelOptions>>().Value);
    }

    [Fact]
    public async Task Bad_values_stop_the_host_at_start()
    {
        var builder = Builder(new() { ["Inference:Batching:MaxChars"] = "0" });
        using var host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("Endpoint=http://ollama-host:11434;Model=phi3", "http://ollama-host:11434", "phi3")]
    [InlineData("Endpoint=http://ollama-host:11434", "http://ollama-host:11434", "llama3.2")]
    [InlineData("http://ollama-host:11434", "http://ollama-host:11434", "llama3.2")]
    public void The_aspire_connection_string_overrides_endpoint_and_model(string connectionString, string endpoint, string model)
    {
        using var services = Build(new()
        {
            ["Inference:Ollama:Endpoint"] = "http://configured:1",
            ["ConnectionStrings:ollama"] = connectionString,
        });

        var ollama = services.GetRequiredService<IOptions<OllamaOptions>>().Value;
        var inference = services.GetRequiredService<IOptions<InferenceOptions>>().Value;

        Assert.Equal(endpoint, ollama.Endpoint);
        Assert.Equal(model, ollama.Model);
        Assert.Equal(InferenceProvider.Ollama, InferenceModelFactory.ResolveProvider(inference, ollama));
    }

    [Fact]
    public void The_connection_string_name_is_configurable()
    {
        using var services = Build(new()
        {
            ["Inference:Ollama:ConnectionName"] = "llm",
            ["ConnectionStrings:llm"] = "Endpoint=http://llm-host:11434;Model=qwen3",
            ["ConnectionStrings:ollama"] = "Endpoint=http://ignored:11434",
        });

        var ollama = services.GetRequiredService<IOptions<OllamaOptions>>().Value;

        Assert.Equal("http://llm-host:11434", ollama.Endpoint);
        Assert.Equal("qwen3", ollama.Model);
    }

    [Fact]
    public void An_explicit_simulated_provider_wins_over_a_configured_endpoint()
    {
        using var services = Build(new()
        {
            ["Inference:Provider"] = "Simulated",
            ["Inference:Ollama:Endpoint"] = "http://127.0.0.1:11434",
        });

        var inference = services.GetRequiredService<IOptions<InferenceOptions>>().Value;
        var ollama = services.GetRequiredService<IOptions<OllamaOptions>>().Value;

        Assert.Equal(InferenceProvider.Simulated, InferenceModelFactory.ResolveProvider(inference, ollama));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        Builder(settings).Services.BuildServiceProvider();

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAgentBus();
        builder.AddInferenceWorker();
        return builder;
    }
}
