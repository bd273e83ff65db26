namespace AspireAgent.Benchmarks.Batching;

/// <summary>How the model's text is cut into tokens.</summary>
public enum TokenShape
{
    /// <summary>The simulated model's tokens: a word with its leading space, 5–10 characters.</summary>
    Words,

    /// <summary>The same text in 3-character pieces, closer to a real LLM's sub-word tokens (about 4 characters in English).</summary>
    Subwords,
}
