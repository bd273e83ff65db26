using AspireAgent.Inference.Batching;
using AspireAgent.Inference.Models.Simulated;
using Microsoft.Extensions.AI;

namespace AspireAgent.Benchmarks.Batching;

/// <summary>A 240-token simulated answer as model tokens, stamped long ago so no batching deadline is pending.</summary>
internal static class AnswerTokens
{
    public const int TokenCount = 240;

    public static ModelToken[] Create(TokenShape shape)
    {
        var words = SimulatedAnswer.Tokens([new ChatMessage(ChatRole.User, "How do tokens reach the browser?")], TokenCount);
        var pieces = shape == TokenShape.Words ? words : Cut(string.Concat(words), 3);
        return pieces.Select(p => new ModelToken(p, 0)).ToArray();
    }

    private static IReadOnlyList<string> Cut(string text, int size) =>
        Enumerable.Range(0, (text.Length + size - 1) / size).Select(i => text.Substring(i * size, Math.Min(size, text.Length - i * size))).ToList();
}
