using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Inference;

/// <summary>
/// The Ollama server, bound from <c>Inference:Ollama</c>. The connection string
/// <c>ConnectionStrings:{ConnectionName}</c> (what Aspire injects for an Ollama model resource) overrides
/// <see cref="Endpoint"/> and <see cref="Model"/>.
/// </summary>
public sealed class OllamaOptions
{
    public const string SectionName = "Inference:Ollama";

    /// <summary>The server's base address, e.g. <c>http://localhost:11434</c>.</summary>
    public string? Endpoint { get; set; }

    [Required(AllowEmptyStrings = false)]
    public string Model { get; set; } = "llama3.2";

    /// <summary>The name of the connection string to read, <c>Endpoint=http://host:11434;Model=name</c> or a bare URL.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ConnectionName { get; set; } = "ollama";

    /// <summary>Retries of a request that failed before its response started (connection refused, 408, 429, 5xx).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially, with jitter.</summary>
    [TimeSpanRange("00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one attempt may wait for the response headers, which Ollama sends with the first token (so this
    /// covers loading the model and reading the prompt). The streamed body has no time limit.
    /// </summary>
    [TimeSpanRange("00:00:00.100", "1.00:00:00")]
    public TimeSpan ResponseHeadersTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Set when the connection string could not be read, so that validation reports it at start.</summary>
    internal string? ConnectionStringError { get; set; }
}
