using Microsoft.Extensions.Options;

namespace AspireAgent.Inference;

/// <summary>
/// What data annotations cannot say about <see cref="InferenceOptions"/>: a provider that exists, and an
/// Ollama endpoint when Ollama is required.
/// </summary>
internal sealed class InferenceOptionsValidator(IOptions<OllamaOptions> ollama) : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        if (!Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Fail($"Inference:Provider '{options.Provider}' is not one of Auto, Ollama, Simulated.");
        }

        if (options.Provider == InferenceProvider.Ollama && !HasEndpoint())
        {
            return ValidateOptionsResult.Fail(
                "Inference:Provider is Ollama but no endpoint is configured: set Inference:Ollama:Endpoint "
                + "or the connection string named by Inference:Ollama:ConnectionName (default 'ollama').");
        }

        return ValidateOptionsResult.Success;
    }

    private bool HasEndpoint()
    {
        try
        {
            return !string.IsNullOrWhiteSpace(ollama.Value.Endpoint);
        }
        catch (OptionsValidationException)
        {
            // The Ollama options report their own failures; repeating them here would only add noise.
            return true;
        }
    }
}
