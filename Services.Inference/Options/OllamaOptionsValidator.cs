using Microsoft.Extensions.Options;

namespace AspireAgent.Inference;

/// <summary>What data annotations cannot say about <see cref="OllamaOptions"/>: the endpoint is a usable URL.</summary>
internal sealed class OllamaOptionsValidator : IValidateOptions<OllamaOptions>
{
    public ValidateOptionsResult Validate(string? name, OllamaOptions options)
    {
        var failures = new List<string>();
        if (options.ConnectionStringError is { } error)
        {
            failures.Add(error);
        }

        if (!string.IsNullOrWhiteSpace(options.Endpoint)
            && !(Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var url) && OllamaConnectionString.IsHttp(url)))
        {
            failures.Add($"Inference:Ollama:Endpoint '{options.Endpoint}' is not an absolute http or https URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
