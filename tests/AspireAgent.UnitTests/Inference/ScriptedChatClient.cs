using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace AspireAgent.UnitTests.Inference;

/// <summary>A model whose stream is written by the test, and that records whether its call was cancelled.</summary>
internal sealed class ScriptedChatClient(Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> script) : IChatClient
{
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ChatMessage>? Prompt { get; private set; }

    public Task Cancelled => _cancelled.Task;

    public static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text);

    public static ChatResponseUpdate Done(ChatFinishReason reason, long? input = null, long? output = null) =>
        new(ChatRole.Assistant, input is null ? [] : [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = output })])
        {
            FinishReason = reason,
        };

    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Prompt = messages.ToList();
        using var registration = cancellationToken.Register(() => _cancelled.TrySetResult());
        try
        {
            await foreach (var update in script(cancellationToken).WithCancellation(cancellationToken))
            {
                yield return update;
            }
        }
        finally
        {
            // The consumer may dispose this enumeration from inside its own cancellation callback, which runs
            // before (and so unregisters) the one above: record the cancellation here too.
            if (cancellationToken.IsCancellationRequested)
            {
                _cancelled.TrySetResult();
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
