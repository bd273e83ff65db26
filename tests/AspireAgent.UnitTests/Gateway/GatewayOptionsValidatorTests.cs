using AspireAgent.Socket;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AspireAgent.UnitTests.Gateway;

public sealed class GatewayOptionsValidatorTests
{
    [Fact]
    public void The_defaults_acknowledge_well_inside_the_default_producer_window()
    {
        var options = Resolve([]);

        Assert.Equal(16, options.AcknowledgeEvery);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.AcknowledgeAfter);
        Assert.True(options.AcknowledgeEvery < GatewayOptionsValidator.DefaultProducerWindow);
    }

    [Fact]
    public void Holding_back_a_whole_producer_window_refuses_to_start()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Gateway:AcknowledgeEvery"] = "64" }));

        Assert.Contains("Inference:Backpressure:Window (64)", failure.Message);
    }

    [Fact]
    public void The_window_is_read_from_the_inference_key_when_the_configuration_has_it()
    {
        Assert.Equal(64, Resolve(new() { ["Gateway:AcknowledgeEvery"] = "64", ["Inference:Backpressure:Window"] = "128" }).AcknowledgeEvery);
        Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Inference:Backpressure:Window"] = "8" }));
    }

    private static GatewayOptions Resolve(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSocketGateway();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<GatewayOptions>>().Value;
    }
}
