using AspireAgent.Bus;
using AspireAgent.Inference;
using AspireAgent.Inference.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Inference;

public sealed class InferenceWorkerRegistrationTests
{
    [Fact]
    public void A_second_call_adds_nothing_as_in_the_single_process_mode()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddAgentBus();
        builder.AddInferenceWorker();
        var registered = builder.Services.Count;

        builder.AddInferenceWorker();

        Assert.Equal(registered, builder.Services.Count);
        using var services = builder.Services.BuildServiceProvider();
        Assert.Single(services.GetServices<IHostedService>().OfType<InferenceWorker>());
    }

    [Fact]
    public void Keeps_a_clock_registered_before_it()
    {
        var time = new FakeTimeProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddAgentBus();
        builder.AddInferenceWorker();

        using var services = builder.Services.BuildServiceProvider();

        Assert.Same(time, services.GetRequiredService<TimeProvider>());
    }
}
