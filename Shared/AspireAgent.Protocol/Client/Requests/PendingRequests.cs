using System.Collections.Concurrent;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// Requests that expect one reply naming them (<c>replyTo</c>): the conversation actions. Unlike answers they
/// are not resumable, so a connection loss fails them and the caller asks again.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<AgentMessage>> _pending = new(StringComparer.Ordinal);

    public Task<AgentMessage> Register(string requestId)
    {
        var reply = new TaskCompletionSource<AgentMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[requestId] = reply;
        return reply.Task;
    }

    public void Forget(string requestId) => _pending.TryRemove(requestId, out _);

    /// <summary>Completes the request <paramref name="message"/> answers; false when it answers none of them.</summary>
    public bool TryComplete(AgentMessage message)
    {
        var replyTo = message switch
        {
            ConversationList list => list.ReplyTo,
            ConversationHistory history => history.ReplyTo,
            ControlMessage { Action: ControlActions.ConversationDeleted } control => control.Get(ControlKeys.ReplyTo),
            ErrorMessage error => error.ReplyTo,
            _ => null,
        };
        if (replyTo is null || !_pending.TryRemove(replyTo, out var reply))
        {
            return false;
        }

        reply.TrySetResult(message);
        return true;
    }

    public void FailAll(Exception error)
    {
        foreach (var requestId in _pending.Keys)
        {
            if (_pending.TryRemove(requestId, out var reply))
            {
                reply.TrySetException(error);
            }
        }
    }
}
