using Microsoft.Extensions.AI;

namespace AspireAgent.Inference.Generation;

/// <summary>How a model call ended.</summary>
/// <param name="Completed">The model finished on its own: everything it generated was delivered.</param>
/// <param name="FinishReason">The model's own finish reason, when it gave one.</param>
/// <param name="Usage">The model's token counts, when it reported them.</param>
/// <param name="FirstTokenAt">When the first text arrived; null when none did.</param>
/// <param name="Error">The failure of the call, unless it was cancelled.</param>
internal sealed record ModelOutcome(
    bool Completed,
    ChatFinishReason? FinishReason,
    UsageDetails? Usage,
    DateTimeOffset? FirstTokenAt,
    Exception? Error);
