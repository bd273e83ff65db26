using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.Web.Client.Chat;

/// <summary>
/// The identity's conversations: the list for the sidebar, opening one (its history from the server, and the
/// answer streaming in it followed from its start, so a reload loses nothing), new, delete.
/// </summary>
public sealed partial class ChatSession
{
    private CancellationTokenSource? _follow;
    private Task _following = Task.CompletedTask;

    /// <summary>The identity's conversations, most recently active first, as the server last listed them.</summary>
    public IReadOnlyList<ConversationSummary> Conversations { get; private set; } = [];

    public string ConversationId { get; private set; } = NewConversationId();

    /// <summary>Asks the server for the conversation list again; quiet when the connection is not there.</summary>
    public async Task RefreshConversationsAsync()
    {
        if (_client is not { IsOpen: true } client)
        {
            return;
        }

        try
        {
            Conversations = await client.ListConversationsAsync();
            Changed?.Invoke();
        }
        catch (Exception ex) when (ex is AgentRequestException or AgentConnectionException or InvalidOperationException)
        {
            // The sidebar keeps what it had; the next answer or reconnect lists again.
        }
    }

    /// <summary>Shows <paramref name="conversationId"/> from the server, and follows the answer streaming in it.</summary>
    public async Task OpenConversationAsync(string conversationId)
    {
        if (_client is not { IsOpen: true } client)
        {
            return;
        }

        await StopFollowingAsync();
        ConversationHistory history;
        try
        {
            history = await client.GetConversationAsync(conversationId);
        }
        catch (AgentRequestException)
        {
            // Deleted, expired, or another identity's (after the identity token was rejected): start afresh.
            await NewConversationAsync();
            return;
        }
        catch (Exception ex) when (ex is AgentConnectionException or InvalidOperationException)
        {
            Notice = $"Could not load the conversation: {ex.Message}";
            Changed?.Invoke();
            return;
        }

        ConversationId = conversationId;
        _turns = [.. FromHistory(history)];
        await storage.SetAsync(BrowserStorage.ConversationKey, conversationId);
        Changed?.Invoke();
        if (history.ActiveStreamId is { } streamId)
        {
            var answer = new ChatTurn(TurnRole.Assistant)
            {
                StreamId = streamId,
                Question = _turns.LastOrDefault(t => t.Role == TurnRole.User)?.Text,
            };
            _turns.Add(answer);
            Changed?.Invoke();
            await FollowAsync(answer, token => client.ResumeAnswerAsync(conversationId, streamId, token));
        }
    }

    /// <summary>An empty conversation; an answer streaming in the previous one goes on on the server.</summary>
    public async Task NewConversationAsync()
    {
        await StopFollowingAsync();
        _turns = [];
        ConversationId = NewConversationId();
        await storage.SetAsync(BrowserStorage.ConversationKey, ConversationId);
        Changed?.Invoke();
    }

    /// <summary>Deletes the conversation on the server and from the list; the open one is replaced by a new one.</summary>
    public async Task DeleteConversationAsync(string conversationId)
    {
        if (_client is not { IsOpen: true } client)
        {
            return;
        }

        if (conversationId == ConversationId && Streaming?.StreamId is { } streamId)
        {
            await client.InterruptAsync(streamId); // nobody is left to read it
        }

        try
        {
            await client.DeleteConversationAsync(conversationId);
        }
        catch (AgentRequestException ex) when (ex.Code == ErrorCodes.ConversationNotFound)
        {
            // Already gone: what the user wanted.
        }
        catch (Exception ex) when (ex is AgentRequestException or AgentConnectionException or InvalidOperationException)
        {
            Notice = $"Could not delete the conversation: {ex.Message}";
            Changed?.Invoke();
            return;
        }

        Conversations = [.. Conversations.Where(c => c.ConversationId != conversationId)];
        if (conversationId == ConversationId)
        {
            await NewConversationAsync();
        }

        Changed?.Invoke();
    }

    /// <summary>The browser is back online or the tab visible again: reconnect now rather than at the next backoff step.</summary>
    public Task BrowserCameBackAsync() =>
        State is AgentConnectionState.Reconnecting or AgentConnectionState.Failed ? RetryAsync() : Task.CompletedTask;

    /// <summary>After a (re)connection of a new client: the list, and the conversation that was open.</summary>
    private async Task RestoreAsync(string? conversationId)
    {
        await RefreshConversationsAsync();
        if (!string.IsNullOrEmpty(conversationId))
        {
            await OpenConversationAsync(conversationId);
        }
    }

    /// <summary>
    /// Reads one answer into <paramref name="answer"/> until it ends, fails, or the user goes to another
    /// conversation (which leaves the answer streaming on the server, where it can be picked up again).
    /// </summary>
    private async Task FollowAsync(ChatTurn answer, Func<CancellationToken, IAsyncEnumerable<AgentMessage>> messages)
    {
        using var follow = new CancellationTokenSource();
        _follow = follow;
        var reading = ReadAsync(answer, messages(follow.Token), follow.Token);
        _following = reading;
        await reading;
        if (ReferenceEquals(_follow, follow))
        {
            _follow = null;
        }

        if (!follow.IsCancellationRequested)
        {
            await RefreshConversationsAsync(); // a new title, a new last activity
        }
    }

    private async Task ReadAsync(ChatTurn answer, IAsyncEnumerable<AgentMessage> messages, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in messages)
            {
                Apply(answer, message);
                Changed?.Invoke();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // the user went elsewhere
        }
        catch (Exception ex) when (ex is AgentConnectionException or InvalidOperationException)
        {
            answer.State = TurnState.Failed;
            answer.Lost = ex is AnswerLostException;
            answer.Error = AnswerProblems.Describe(ex);
        }

        if (answer.State is TurnState.Waiting or TurnState.Streaming)
        {
            answer.State = TurnState.Failed;
            answer.Error ??= "The answer ended without assistant.end.";
        }

        Changed?.Invoke();
    }

    private async Task StopFollowingAsync()
    {
        if (_follow is { } follow)
        {
            await follow.CancelAsync();
            await _following;
        }
    }

    private static IEnumerable<ChatTurn> FromHistory(ConversationHistory history) => history.Turns.Select(turn =>
        turn.Role == TurnRoles.User
            ? new ChatTurn(TurnRole.User, turn.Content) { StreamId = turn.StreamId }
            : new ChatTurn(TurnRole.Assistant, turn.Content)
            {
                StreamId = turn.StreamId,
                State = TurnState.Complete,
                FullContent = turn.Content,
                Question = history.Turns.LastOrDefault(t => t.Role == TurnRoles.User && t.StreamId == turn.StreamId)?.Content,
            });

    // Conversation ids are the client's to choose; a GUID cannot collide with another identity's.
    private static string NewConversationId() => Guid.NewGuid().ToString("N");
}
