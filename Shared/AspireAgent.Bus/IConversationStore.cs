namespace AspireAgent.Bus;

/// <summary>
/// Conversations, their owner and their history. A conversation belongs to the first identity that uses
/// its id, and has at most one answer streaming at a time.
/// </summary>
public interface IConversationStore
{
    /// <summary>Creates the conversation for <paramref name="ownerId"/>, or checks that it is theirs.</summary>
    ValueTask<ConversationAccess> ClaimAsync(string conversationId, string ownerId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends the user's turn and marks <paramref name="streamId"/> as the conversation's answer in progress.
    /// Returns the history to send to the model (ending with that turn), or null when an answer is already
    /// in progress.
    /// </summary>
    /// <remarks>
    /// A turn begun but never confirmed (<see cref="ConfirmTurnAsync"/>) for <see cref="BusOptions.TurnStartTimeout"/>
    /// was orphaned by a gateway that died before submitting it: it no longer blocks, and this call takes it over.
    /// </remarks>
    ValueTask<IReadOnlyList<ChatTurn>?> TryBeginTurnAsync(
        string conversationId, string streamId, ChatTurn userTurn, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the answer in progress as submitted to the workers, so that it is no longer taken over after
    /// <see cref="BusOptions.TurnStartTimeout"/>; from then on only <see cref="CompleteTurnAsync"/> ends it.
    /// </summary>
    ValueTask ConfirmTurnAsync(string conversationId, string streamId, CancellationToken cancellationToken);

    /// <summary>Ends the answer in progress, appending the assistant's turn when there is text to keep.</summary>
    ValueTask CompleteTurnAsync(
        string conversationId, string streamId, ChatTurn? assistantTurn, CancellationToken cancellationToken);

    /// <summary>The conversations <paramref name="ownerId"/> owns, most recently active first.</summary>
    ValueTask<IReadOnlyList<ConversationSummary>> ListAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>The conversation with its owner and kept turns, or null when it does not exist.</summary>
    ValueTask<ConversationSnapshot?> GetAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Deletes the conversation if <paramref name="ownerId"/> owns it.</summary>
    ValueTask<ConversationAccess?> DeleteAsync(string conversationId, string ownerId, CancellationToken cancellationToken);
}

public enum ConversationAccess
{
    Created,
    Owned,
    Forbidden,
}
