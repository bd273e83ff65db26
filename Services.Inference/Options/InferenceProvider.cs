namespace AspireAgent.Inference;

/// <summary>Which model answers; bound from <c>Inference:Provider</c>.</summary>
public enum InferenceProvider
{
    /// <summary>Ollama when an endpoint or a connection string is configured, otherwise the simulated model.</summary>
    Auto,

    /// <summary>A real model served by Ollama; starting without an endpoint is a configuration error.</summary>
    Ollama,

    /// <summary>The deterministic simulated model, for development and tests without an LLM.</summary>
    Simulated,
}
