using AspireAgent.Benchmarks.Codecs;
using AspireAgent.Inference.Models.Simulated;
using AspireAgent.Protocol;
using Microsoft.Extensions.AI;

namespace AspireAgent.Benchmarks.Compression;

/// <summary>
/// What a client receives for one 60-token answer with the default batching (the simulated model's words flush
/// one per chunk): start, 60 chunks with fresh ids and timestamps, end with the full text.
/// </summary>
internal static class AnswerMessages
{
    public static AgentMessage[] Create(int answer)
    {
        var tokens = SimulatedAnswer.Tokens([new ChatMessage(ChatRole.User, $"Question {answer}: how do tokens reach the browser?")], 60);
        var streamId = $"s_{answer:D4}kQz0Lm2B";
        var ts = 1764000000123L + answer * 2000;
        var random = new Random(answer);
        var messages = new List<AgentMessage> { (SampleMessages.Get(SampleMessages.Start) as AssistantStart)! with { StreamId = streamId, Timestamp = ts } };
        for (var i = 0; i < tokens.Count; i++)
        {
            messages.Add(new AssistantChunk { Id = Id(random), Timestamp = ts + 25 * (i + 1), StreamId = streamId, Seq = i, Delta = tokens[i] });
        }

        messages.Add((SampleMessages.Get(SampleMessages.End) as AssistantEnd)! with { StreamId = streamId, FullContent = string.Concat(tokens), Timestamp = ts + 1525 });
        return [.. messages];
    }

    // Server message ids are random: compression must not get credit for repeating one.
    private static string Id(Random random) =>
        string.Create(12, random, static (span, r) =>
        {
            const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
}
