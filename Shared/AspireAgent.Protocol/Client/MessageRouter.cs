namespace AspireAgent.Protocol.Client;

/// <summary>
/// Hands each inbound message to the <see cref="AnswerSubscription"/> it belongs to, so several conversations
/// can stream over one connection at once.
/// </summary>
/// <remarks>
/// An answer is found by the user message id first (<c>replyTo</c> of the start or of an error), then by its
/// stream id (chunks, end, errors about a stream). A start without <c>replyTo</c> goes to the oldest
/// subscription of its conversation that has no stream yet. The end, or any error, is terminal. A subscription
/// whose reader left stays registered until its terminal message, so the rest of that answer is dropped
/// quietly instead of surfacing as unhandled.
/// </remarks>
internal sealed class MessageRouter(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AnswerSubscription> _byRequest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AnswerSubscription> _byStream = new(StringComparer.Ordinal);
    private readonly List<AnswerSubscription> _awaitingStart = [];
    private Exception? _completion;

    /// <summary>Subscriptions still registered, abandoned ones included.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byRequest.Count;
            }
        }
    }

    /// <summary>Registers the answer to <paramref name="requestId"/>; call it before sending the user message.</summary>
    /// <exception cref="AgentConnectionException">The connection this router served has ended.</exception>
    public AnswerSubscription Subscribe(string requestId, string conversationId)
    {
        var subscription = new AnswerSubscription(this, requestId, conversationId, capacity);
        lock (_gate)
        {
            if (_completion is not null)
            {
                throw new AgentConnectionException("The connection is closed.", inner: _completion);
            }

            if (!_byRequest.TryAdd(requestId, subscription))
            {
                throw new InvalidOperationException($"An answer to message '{requestId}' is already awaited.");
            }

            _awaitingStart.Add(subscription);
        }

        return subscription;
    }

    /// <summary>
    /// Delivers <paramref name="message"/> to its subscription, waiting while that reader is behind.
    /// Returns false when no subscription wants it.
    /// </summary>
    public async ValueTask<bool> RouteAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        AnswerSubscription? target;
        bool terminal;
        lock (_gate)
        {
            (target, terminal) = message switch
            {
                AssistantStart start => (BindStart(start), false),
                AssistantChunk chunk => (_byStream.GetValueOrDefault(chunk.StreamId), false),
                AssistantEnd end => (_byStream.GetValueOrDefault(end.StreamId), true),
                ErrorMessage error => (FindForError(error), true),
                _ => (null, false),
            };

            if (target is null)
            {
                return false;
            }

            if (terminal)
            {
                Unregister(target);
            }

            if (target.Abandoned)
            {
                return true;
            }
        }

        await target.DeliverAsync(message, cancellationToken).ConfigureAwait(false);
        if (terminal)
        {
            target.Complete();
        }

        return true;
    }

    /// <summary>Ends every subscription for good: their readers throw <paramref name="error"/>, and so do subscribes until <see cref="Reopen"/>.</summary>
    public void CompleteAll(Exception error)
    {
        List<AnswerSubscription> subscriptions;
        lock (_gate)
        {
            _completion ??= error;
            subscriptions = [.. _byRequest.Values];
            _byRequest.Clear();
            _byStream.Clear();
            _awaitingStart.Clear();
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Complete(error);
        }
    }

    /// <summary>Accepts subscriptions again, for a new connection after <see cref="CompleteAll"/>.</summary>
    public void Reopen()
    {
        lock (_gate)
        {
            _completion = null;
        }
    }

    /// <summary>Called when a reader leaves: before the send it is forgotten, after it its answer is drained.</summary>
    internal void Release(AnswerSubscription subscription)
    {
        lock (_gate)
        {
            subscription.Abandoned = true;
            if (!subscription.Sent && _byRequest.TryGetValue(subscription.RequestId, out var registered)
                && ReferenceEquals(registered, subscription))
            {
                Unregister(subscription);
            }
        }

        subscription.Complete();
    }

    private AnswerSubscription? BindStart(AssistantStart start)
    {
        AnswerSubscription? subscription = null;
        if (start.ReplyTo is { } replyTo && _byRequest.TryGetValue(replyTo, out var byReply) && byReply.StreamId is null)
        {
            subscription = byReply;
        }
        else if (start.ReplyTo is null)
        {
            subscription = _awaitingStart.Find(s => s.ConversationId == start.ConversationId);
        }

        if (subscription is null || !_byStream.TryAdd(start.StreamId, subscription))
        {
            return null;
        }

        subscription.StreamId = start.StreamId;
        _awaitingStart.Remove(subscription);
        return subscription;
    }

    private AnswerSubscription? FindForError(ErrorMessage error)
    {
        if (error.StreamId is { } streamId && _byStream.TryGetValue(streamId, out var byStream))
        {
            return byStream;
        }

        return error.ReplyTo is { } replyTo ? _byRequest.GetValueOrDefault(replyTo) : null;
    }

    private void Unregister(AnswerSubscription subscription)
    {
        _byRequest.Remove(subscription.RequestId);
        _awaitingStart.Remove(subscription);
        if (subscription.StreamId is { } streamId)
        {
            _byStream.Remove(streamId);
        }
    }
}
