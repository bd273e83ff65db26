using System.Collections.Concurrent;
using AspireAgent.Bus;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.IntegrationTests.Inference;

/// <summary>The real conversation store, plus a signal when the worker completes a turn, so tests need not poll.</summary>
internal sealed class TurnRecorder(IConversationStore inner) : IConversationStore
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ChatTurn?>> _completed = new(StringComparer.Ordinal);

    /// <summary>Wraps the store <c>AddAgentBus</c> registered.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var original = services.Single(d => d.ServiceType == typeof(IConversationStore));
        services.Remove(original);
        // The memory bus registers its store by a factory, the Redis bus by its type.
        services.AddSingleton(sp => new TurnRecorder((IConversationStore)(original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
        services.AddSingleton<IConversationStore>(sp => sp.GetRequiredService<TurnRecorder>());
    }

    /// <summary>The assistant turn the worker completed <paramref name="streamId"/> with (null for none).</summary>
    public Task<ChatTurn?> CompletedAsync(string streamId) => Signal(streamId).Task;

    public ValueTask<ConversationAccess> ClaimAsync(string conversationId, string ownerId, CancellationToken cancellationToken) =>
        inner.ClaimAsync(conversationId, ownerId, cancellationToken);

    public ValueTask<IReadOnlyList<ChatTurn>?> TryBeginTurnAsync(
        string conversationId, string streamId, ChatTurn userTurn, CancellationToken cancellationToken) =>
        inner.TryBeginTurnAsync(conversationId, streamId, userTurn, cancellationToken);

    public ValueTask ConfirmTurnAsync(string conversationId, string streamId, CancellationToken cancellationToken) =>
        inner.ConfirmTurnAsync(conversationId, streamId, cancellationToken);

    public async ValueTask CompleteTurnAsync(
        string conversationId, string streamId, ChatTurn? assistantTurn, CancellationToken cancellationToken)
    {
        await inner.CompleteTurnAsync(conversationId, streamId, assistantTurn, cancellationToken);
        Signal(streamId).TrySetResult(assistantTurn);
    }

    public ValueTask<IReadOnlyList<ConversationSummary>> ListAsync(string ownerId, CancellationToken cancellationToken) =>
        inner.ListAsync(ownerId, cancellationToken);

    public ValueTask<ConversationSnapshot?> GetAsync(string conversationId, CancellationToken cancellationToken) =>
        inner.GetAsync(conversationId, cancellationToken);

    public ValueTask<ConversationAccess?> DeleteAsync(string conversationId, string ownerId, CancellationToken cancellationToken) =>
        inner.DeleteAsync(conversationId, ownerId, cancellationToken);

    private TaskCompletionSource<ChatTurn?> Signal(string streamId) =>
        _completed.GetOrAdd(streamId, _ => new TaskCompletionSource<ChatTurn?>(TaskCreationOptions.RunContinuationsAsynchronously));
}
