using AspireAgent.Bus;
using AspireAgent.Protocol;
using Microsoft.Extensions.AI;

namespace AspireAgent.Inference.Generation;

/// <summary>
/// The usage of an answer: token counts as the model reported them, estimated when it did not (a cut answer
/// never gets the model's final counts), and timings from the moment the gateway submitted the request.
/// </summary>
internal static class UsageCalculator
{
    // The usual rule of thumb for English text and BPE tokenizers; good enough for accounting, not billing.
    private const int CharsPerToken = 4;

    public static Usage Compute(
        ChatRequest request, UsageDetails? reported, DateTimeOffset? firstTokenAt, string content, DateTimeOffset endedAt) =>
        new()
        {
            PromptTokens = Clamp(reported?.InputTokenCount) ?? Estimate(request.History.Sum(turn => (long)turn.Content.Length)),
            CompletionTokens = Clamp(reported?.OutputTokenCount) ?? Estimate(content.Length),
            TimeToFirstTokenMs = firstTokenAt is { } first ? Milliseconds(first - request.SubmittedAt) : 0,
            DurationMs = Milliseconds(endedAt - request.SubmittedAt),
        };

    public static int Estimate(long chars) => (int)Math.Min(int.MaxValue, (chars + CharsPerToken - 1) / CharsPerToken);

    private static int? Clamp(long? tokens) => tokens is { } count ? (int)Math.Clamp(count, 0, int.MaxValue) : null;

    // SubmittedAt comes from the gateway's clock; skew between machines must not make a duration negative.
    private static long Milliseconds(TimeSpan elapsed) => Math.Max(0, (long)elapsed.TotalMilliseconds);
}
