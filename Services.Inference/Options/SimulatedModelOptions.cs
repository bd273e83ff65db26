using System.ComponentModel.DataAnnotations;

namespace AspireAgent.Inference;

/// <summary>The simulated model, bound from <c>Inference:Simulated</c>.</summary>
public sealed class SimulatedModelOptions
{
    public const string SectionName = "Inference:Simulated";

    /// <summary>The pace of the answer; a token is a word with its leading space.</summary>
    [Range(0.1, 100_000)]
    public double TokensPerSecond { get; set; } = 40;

    /// <summary>Tokens in every answer.</summary>
    [Range(1, 1_000_000)]
    public int TokenCount { get; set; } = 60;
}
