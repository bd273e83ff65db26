namespace AspireAgent.Protocol.Client;

/// <summary>
/// Hands each inbound message to the <see cref="AnswerSubscription"/> it belongs to, so several conversations
/// can stream over one connection at once, and keeps each answer whole across reconnects.
/// </summary>
/// <remarks>
/// <para>
/// An answer is found by the user message id first (<c>replyTo</c> of the start or of an error), then by its
/// stream id (chunks, end, errors about a stream). A start without <c>replyTo</c> goes to the oldest
/// subscription of its conversation that has no stream yet. The end, or any error, is terminal. A subscription
/// whose reader left stays registered until its terminal message, so the rest of that answer is dropped
/// quietly instead of surfacing as unhandled.
/// </para>
/// <para>
/// Resume: each subscription remembers the last seq it accepted. A chunk at or below it is a replay and is
/// dropped; a chunk past the next one (or an end whose chunk count says chunks are missing) is a gap, which
/// <see cref="RouteAsync"/> reports by throwing <see cref="StreamGapException"/> so the client reconnects and
/// resumes from the last good chunk — at most <see cref="MaxGapRepairs"/> times per answer.
/// </para>
/// </remarks>
internal sealed class MessageRouter(int capacity)
{
    /// <summary>Gaps one answer may have repaired by resuming before it ends with <see cref="StreamGapException"/>.</summary>
    public const int MaxGapRepairs = 3;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AnswerSubscription> _byRequest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AnswerSubscription> _byStream = new(StringComparer.Ordinal);
    private readonly List<AnswerSubscription> _awaitingStart = [];
    private Exception? _completion;

    /// <summary>Raised, outside the lock, whenever <see cref="Count"/> may have changed.</summary>
    public event Action? CountChanged;

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
    /// <exception cref="AgentConnectionException">The client has stopped serving answers (failed, closed or disposed).</exception>
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

        CountChanged?.Invoke();
        return subscription;
    }

    /// <summary>
    /// Registers a reader of a stream known by id (<see cref="AgentClient.ResumeAnswerAsync"/>): it gets the
    /// stream's start when the replay brings it, then the chunks like any answer.
    /// </summary>
    public AnswerSubscription SubscribeToStream(string requestId, string conversationId, string streamId)
    {
        var subscription = new AnswerSubscription(this, requestId, conversationId, capacity)
        {
            StreamId = streamId,
            Sent = true,
            AwaitsReplayedStart = true,
        };
        lock (_gate)
        {
            if (_completion is not null)
            {
                throw new AgentConnectionException("The connection is closed.", inner: _completion);
            }

            if (_byStream.ContainsKey(streamId) || !_byRequest.TryAdd(requestId, subscription))
            {
                throw new InvalidOperationException($"Stream '{streamId}' is already followed.");
            }

            _byStream[streamId] = subscription;
        }

        CountChanged?.Invoke();
        return subscription;
    }

    /// <summary>
    /// Delivers <paramref name="message"/> to its subscription, waiting while that reader is behind.
    /// Returns false when no subscription wants it.
    /// </summary>
    /// <exception cref="StreamGapException">A stream skipped a seq; resume it from <see cref="AnswerSubscription.LastSeq"/>.</exception>
    public async ValueTask<bool> RouteAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        AnswerSubscription? target;
        bool terminal;
        StreamGapException? failure = null;
        lock (_gate)
        {
            switch (message)
            {
                case AssistantStart start when _byStream.TryGetValue(start.StreamId, out var bound):
                    if (!bound.AwaitsReplayedStart || bound.Abandoned)
                    {
                        return true; // replayed by a resume from the beginning: the reader has it already
                    }

                    bound.AwaitsReplayedStart = false; // the first start of a stream followed by id: the reader wants it
                    (target, terminal) = (bound, false);
                    break;
                case AssistantStart start:
                    (target, terminal) = (BindStart(start), false);
                    break;
                case AssistantChunk chunk:
                    (target, terminal) = (_byStream.GetValueOrDefault(chunk.StreamId), false);
                    if (target is null || target.Abandoned || chunk.Seq <= target.LastSeq)
                    {
                        return target is not null; // nobody reads it, or a replayed chunk: a duplicate, dropped
                    }

                    failure = chunk.Seq == target.LastSeq + 1 ? null : Gap(target, chunk.Seq);
                    if (failure is null)
                    {
                        target.LastSeq = chunk.Seq;
                    }

                    break;
                case AssistantEnd end:
                    (target, terminal) = (_byStream.GetValueOrDefault(end.StreamId), true);
                    failure = target is { Abandoned: false } && end.ChunkCount > target.LastSeq + 1 ? Gap(target, end.ChunkCount) : null;
                    break;
                case ErrorMessage error:
                    (target, terminal) = (FindForError(error), true);
                    break;
                case ControlMessage { Action: ControlActions.Reset } reset when reset.Get(ControlKeys.StreamId) is { } resetStream:
                    // Another worker took the answer over: the reader drops the text so far. Seqs keep counting
                    // across a reset, so gap and duplicate checks stay as they are.
                    (target, terminal) = (_byStream.GetValueOrDefault(resetStream), false);
                    if (target is null || target.Abandoned)
                    {
                        return target is not null;
                    }

                    break;
                default:
                    return false;
            }

            if (target is null)
            {
                return false;
            }

            if (terminal || failure is not null)
            {
                Unregister(target);
            }

            if (target.Abandoned && failure is null)
            {
                target.Complete();
                return true;
            }
        }

        if (failure is not null)
        {
            target.Complete(failure);
        }
        else
        {
            await target.DeliverAsync(message, cancellationToken).ConfigureAwait(false);
            if (terminal)
            {
                target.Complete();
            }
        }

        if (terminal || failure is not null)
        {
            CountChanged?.Invoke();
        }

        return true;
    }

    /// <summary>
    /// After a loss the client will recover from: drops the answers of readers that left, and fails those whose
    /// stream id never arrived (they cannot be resumed). Every other answer waits for <see cref="ResumePoints"/>.
    /// </summary>
    public void Suspend(Exception cause)
    {
        List<(AnswerSubscription Subscription, Exception? Error)> ended = [];
        lock (_gate)
        {
            foreach (var subscription in _byRequest.Values.ToList())
            {
                if (subscription.Abandoned)
                {
                    ended.Add((subscription, null));
                }
                else if (subscription.Sent && subscription.StreamId is null)
                {
                    ended.Add((subscription, new AnswerLostException(
                        "The connection was lost before the answer started, so it cannot be resumed; send the message again.", cause)));
                }
                else
                {
                    continue;
                }

                Unregister(subscription);
            }
        }

        foreach (var (subscription, error) in ended)
        {
            subscription.Complete(error);
        }

        if (ended.Count > 0)
        {
            CountChanged?.Invoke();
        }
    }

    /// <summary>The answers to resume on a new connection: every started one whose reader is still there.</summary>
    public IReadOnlyList<AnswerSubscription> ResumePoints()
    {
        lock (_gate)
        {
            return [.. _byStream.Values.Where(s => !s.Abandoned)];
        }
    }

    /// <summary>Every started answer, for acknowledgements.</summary>
    public IReadOnlyList<AnswerSubscription> Started()
    {
        lock (_gate)
        {
            return [.. _byStream.Values];
        }
    }

    public AnswerSubscription? FindByStream(string streamId)
    {
        lock (_gate)
        {
            return _byStream.GetValueOrDefault(streamId);
        }
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

        CountChanged?.Invoke();
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
        var forgotten = false;
        lock (_gate)
        {
            subscription.Abandoned = true;
            if (!subscription.Sent && _byRequest.TryGetValue(subscription.RequestId, out var registered)
                && ReferenceEquals(registered, subscription))
            {
                Unregister(subscription);
                forgotten = true;
            }
        }

        subscription.Complete();
        if (forgotten)
        {
            CountChanged?.Invoke();
        }
    }

    /// <summary>Counts a gap; null when it may still be repaired by resuming (the caller throws), else the answer's failure.</summary>
    private static StreamGapException? Gap(AnswerSubscription target, long received)
    {
        var gap = new StreamGapException(target.StreamId!, target.LastSeq + 1, received);
        if (++target.Gaps > MaxGapRepairs)
        {
            return gap;
        }

        throw gap;
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
