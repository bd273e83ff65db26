using System.Runtime.CompilerServices;

namespace AspireAgent.Protocol.Client;

/// <summary>The identity's conversations: list, read, delete, and follow an answer already streaming.</summary>
public sealed partial class AgentClient
{
    private readonly PendingRequests _requests = new();

    /// <summary>The conversations of this identity, most recently active first.</summary>
    /// <exception cref="AgentRequestException">The server refused.</exception>
    public async Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync(CancellationToken cancellationToken = default) =>
        ((ConversationList)await RequestAsync(Control(ControlActions.ListConversations), cancellationToken).ConfigureAwait(false)).Conversations;

    /// <summary>
    /// The kept turns of <paramref name="conversationId"/> and the answer in progress, if any (follow it with
    /// <see cref="ResumeAnswerAsync"/>).
    /// </summary>
    /// <exception cref="AgentRequestException"><c>forbidden</c> (another identity's) or <c>conversation_not_found</c>.</exception>
    public async Task<ConversationHistory> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        (ConversationHistory)await RequestAsync(ConversationControl(ControlActions.GetConversation, conversationId), cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes <paramref name="conversationId"/> on the server.</summary>
    /// <exception cref="AgentRequestException"><c>forbidden</c> (another identity's) or <c>conversation_not_found</c>.</exception>
    public Task DeleteConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        RequestAsync(ConversationControl(ControlActions.DeleteConversation, conversationId), cancellationToken);

    /// <summary>
    /// Follows an answer this client did not ask for on this connection — after a page reload, say — from its
    /// start: <see cref="AssistantStart"/>, every chunk, then the end (or a terminal <see cref="ErrorMessage"/>
    /// such as <c>stream_not_found</c>). Like <see cref="StreamAnswerAsync"/> it survives reconnects.
    /// </summary>
    public async IAsyncEnumerable<AgentMessage> ResumeAnswerAsync(
        string conversationId,
        string streamId,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        var resume = StreamControl(ControlActions.Resume, streamId, seq: null);
        using var subscription = _router.SubscribeToStream(resume.Id, conversationId, streamId);
        await SendAsync(resume, cancellationToken).ConfigureAwait(false);

        await foreach (var item in ReadAnswerAsync(subscription, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private async Task<AgentMessage> RequestAsync(ControlMessage request, CancellationToken cancellationToken)
    {
        var reply = _requests.Register(request.Id);
        try
        {
            await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var message = await reply.WaitAsync(cancellationToken).ConfigureAwait(false);
            return message is ErrorMessage error ? throw new AgentRequestException(error) : message;
        }
        finally
        {
            _requests.Forget(request.Id);
        }
    }

    private ControlMessage ConversationControl(string action, string conversationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        return Control(action, new Dictionary<string, string> { [ControlKeys.ConversationId] = conversationId });
    }
}
