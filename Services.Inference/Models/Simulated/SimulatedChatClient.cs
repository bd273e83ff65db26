using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AspireAgent.Inference.Models.Simulated;

/// <summary>
/// A deterministic stand-in for an LLM: the answer depends only on the prompt, and its tokens are paced at
/// <see cref="SimulatedModelOptions.TokensPerSecond"/> on the injected clock, so streaming can be exercised
/// without a model and tested without waiting.
/// </summary>
internal sealed class SimulatedChatClient(IOptions<SimulatedModelOptions> settings, TimeProvider time) : IChatClient
{
    public const string ModelName = "simulated";

    private readonly ChatClientMetadata _metadata = new(ModelName, providerUri: null, defaultModelId: ModelName);

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken)
            .ToChatResponseAsync(cancellationToken)
            .ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prompt = messages.ToList();
        var model = settings.Value;
        var tokens = SimulatedAnswer.Tokens(prompt, model.TokenCount);
        var interval = TimeSpan.FromSeconds(1 / model.TokensPerSecond);
        var responseId = Guid.NewGuid().ToString("N");
        var started = time.GetTimestamp();

        for (var i = 0; i < tokens.Count; i++)
        {
            // Token i is due at (i + 1) intervals from the start, so slow consumers do not make the pace drift.
            var wait = interval * (i + 1) - time.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, tokens[i])
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = ModelName,
            };
        }

        var promptTokens = SimulatedAnswer.CountPromptTokens(prompt);
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails
        {
            InputTokenCount = promptTokens,
            OutputTokenCount = tokens.Count,
            TotalTokenCount = promptTokens + tokens.Count,
        })])
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = ModelName,
            FinishReason = ChatFinishReason.Stop,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
