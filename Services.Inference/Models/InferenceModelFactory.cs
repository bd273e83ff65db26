using AspireAgent.Inference.Diagnostics;
using AspireAgent.Inference.Models.Ollama;
using AspireAgent.Inference.Models.Simulated;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AspireAgent.Inference.Models;

/// <summary>Builds the <see cref="InferenceModel"/> the options ask for, wrapped in the Microsoft.Extensions.AI pipeline.</summary>
internal static class InferenceModelFactory
{
    public static InferenceProvider ResolveProvider(InferenceOptions inference, OllamaOptions ollama) =>
        inference.Provider switch
        {
            InferenceProvider.Auto => string.IsNullOrWhiteSpace(ollama.Endpoint) ? InferenceProvider.Simulated : InferenceProvider.Ollama,
            var provider => provider,
        };

    public static InferenceModel Create(IServiceProvider services)
    {
        var inference = services.GetRequiredService<IOptions<InferenceOptions>>().Value;
        var ollama = services.GetRequiredService<IOptions<OllamaOptions>>().Value;

        if (ResolveProvider(inference, ollama) == InferenceProvider.Ollama)
        {
            var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(OllamaHttpClient.Name);
            var client = Instrument(new StreamingOllamaApiClient(http, ollama.Model), services);
            return new InferenceModel(client, ollama.Model, isSimulated: false, http.BaseAddress);
        }

        var simulated = Instrument(ActivatorUtilities.CreateInstance<SimulatedChatClient>(services), services);
        return new InferenceModel(simulated, SimulatedChatClient.ModelName, isSimulated: true, endpoint: null);
    }

    // The GenAI spans and metrics come from the library, as children of the worker's span per answer.
    private static IChatClient Instrument(IChatClient client, IServiceProvider services) =>
        new ChatClientBuilder(client)
            .UseOpenTelemetry(sourceName: InferenceTelemetry.SourceName)
            .Build(services);
}
