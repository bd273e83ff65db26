using System.Text;
using Microsoft.Extensions.AI;

namespace AspireAgent.Inference.Models.Simulated;

/// <summary>
/// The simulated model's text: a pseudo-random sequence of sentences seeded by a hash of the whole prompt,
/// so that the same history always gets the same answer, on any machine and any .NET version, and a
/// different history almost surely gets another. A token is one word with its leading space (or line break);
/// <see cref="SimulatedMarkdown"/> arranges the words as an LLM would answer, in markdown.
/// </summary>
internal static class SimulatedAnswer
{
    private const int MaxPromptWords = 8;

    private static readonly string[] Vocabulary =
    [
        "the", "stream", "model", "answer", "token", "chunk", "socket", "gateway", "worker", "message",
        "quickly", "steady", "every", "client", "server", "resumes", "flows", "through", "bus", "simulated",
        "carefully", "batch", "latency", "order", "sequence", "arrives", "waits", "replies", "again", "network",
        "small", "large", "fast", "clear", "and", "with", "before", "after", "while", "each",
        "keeps", "sends", "reads", "writes", "measures", "delivers", "a", "an", "of", "to",
    ];

    public static IReadOnlyList<string> Tokens(IEnumerable<ChatMessage> prompt, int count)
    {
        var messages = prompt as IReadOnlyList<ChatMessage> ?? prompt.ToList();
        var random = new SplitMix64(Hash(messages));
        var words = Vocabulary.Concat(PromptWords(messages)).ToArray();
        return SimulatedMarkdown.Layout(count, () => words[random.Next(words.Length)], random.Next);
    }

    /// <summary>The simulated tokenizer counts words.</summary>
    public static int CountPromptTokens(IEnumerable<ChatMessage> prompt) =>
        prompt.Sum(message => message.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);

    // A few words of the last user turn, so the answer visibly relates to the question.
    private static IEnumerable<string> PromptWords(IReadOnlyList<ChatMessage> messages) =>
        messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(word => new string(word.Where(char.IsLetter).ToArray()).ToLowerInvariant())
            .Where(word => word.Length is >= 3 and <= 20)
            .Distinct(StringComparer.Ordinal)
            .Take(MaxPromptWords)
        ?? [];

    // FNV-1a over UTF-16 code units: stable, unlike string.GetHashCode, which is randomized per process.
    private static ulong Hash(IReadOnlyList<ChatMessage> messages)
    {
        var hash = 14695981039346656037UL;
        foreach (var message in messages)
        {
            foreach (var c in new StringBuilder().Append(message.Role.Value).Append('\u0001').Append(message.Text).Append('\u0002').ToString())
            {
                hash = (hash ^ c) * 1099511628211UL;
            }
        }

        return hash;
    }

    /// <summary>A tiny PRNG whose sequence is fixed by its seed, which <see cref="Random"/> does not promise.</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int maxExclusive)
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)maxExclusive);
        }
    }
}
