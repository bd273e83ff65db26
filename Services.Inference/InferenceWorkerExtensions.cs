using AspireAgent.Inference.Batching;
using AspireAgent.Inference.Diagnostics;
using AspireAgent.Inference.Generation;
using AspireAgent.Inference.Hosting;
using AspireAgent.Inference.Models;
using AspireAgent.Inference.Models.Ollama;
using AspireAgent.Inference.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AspireAgent.Inference;

public static class InferenceWorkerExtensions
{
    /// <summary>
    /// Registers the model provider (Ollama or simulated), the token batcher and the worker pool. Needs the bus
    /// (<c>AddAgentBus</c>). Safe beside the gateway in one process: it registers no shared service but the
    /// system clock (only if none is), touches no other HttpClient, and a second call adds nothing.
    /// </summary>
    public static IHostApplicationBuilder AddInferenceWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(AnswerGenerator)))
        {
            return builder;
        }

        services.TryAddSingleton(TimeProvider.System);
        builder.AddInferenceOptions();
        services.AddOllamaHttpClient();
        services.AddSingleton(InferenceModelFactory.Create);
        services.AddSingleton<TokenBatcher>();
        services.AddSingleton<AnswerGenerator>();
        services.AddMetrics();
        services.AddSingleton<InferenceMetrics>();
        services.AddHostedService<InferenceWorker>();
        return builder;
    }
}
