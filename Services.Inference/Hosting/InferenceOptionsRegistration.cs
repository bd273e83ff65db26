using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AspireAgent.Inference.Hosting;

/// <summary>Binds and validates the inference options; every failure stops the host at start.</summary>
internal static class InferenceOptionsRegistration
{
    public static void AddInferenceOptions(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<InferenceOptions>()
            .Bind(configuration.GetSection(InferenceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>());

        services.AddOptions<OllamaOptions>()
            .Bind(configuration.GetSection(OllamaOptions.SectionName))
            .PostConfigure(ollama => OllamaConnectionString.Apply(configuration.GetConnectionString(ollama.ConnectionName), ollama))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OllamaOptions>, OllamaOptionsValidator>());

        services.AddOptions<SimulatedModelOptions>()
            .Bind(configuration.GetSection(SimulatedModelOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
