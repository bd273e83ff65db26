using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Memory;

/// <summary>Conversations of one process, dropped after <see cref="BusOptions.ConversationRetention"/> idle.</summary>
internal sealed class MemoryConversationStore(IOptions<BusOptions> options, TimeProvider time) : IConversationStore
{
    private readonly ConcurrentDictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);

    public ValueTask<ConversationAccess> ClaimAsync(string conversationId, string ownerId, CancellationToken cancellationToken)
    {
        var created = false;
        var conversation = _conversations.GetOrAdd(conversationId, _ =>
        {
            created = true;
            return new Conversation(ownerId, time.GetUtcNow());
        });

        var access = conversation.OwnerId != ownerId ? ConversationAccess.Forbidden
            : created ? ConversationAccess.Created
            : ConversationAccess.Owned;
        return ValueTask.FromResult(access);
    }

    public ValueTask<IReadOnlyList<ChatTurn>?> TryBeginTurnAsync(
        string conversationId, string streamId, ChatTurn userTurn, CancellationToken cancellationToken)
    {
        var conversation = Find(conversationId);
        lock (conversation)
        {
            var now = time.GetUtcNow();
            if (conversation.ActiveStreamId is not null && !(conversation.UnconfirmedSince + options.Value.TurnStartTimeout <= now))
            {
                return ValueTask.FromResult<IReadOnlyList<ChatTurn>?>(null);
            }

            conversation.ActiveStreamId = streamId;
            conversation.UnconfirmedSince = now;
            conversation.Title ??= ConversationSnapshot.TitleOf(userTurn.Content);
            conversation.Append(userTurn with { StreamId = streamId }, options.Value.MaxHistoryTurns, now);
            return ValueTask.FromResult<IReadOnlyList<ChatTurn>?>(conversation.Turns.ToArray());
        }
    }

    public ValueTask ConfirmTurnAsync(string conversationId, string streamId, CancellationToken cancellationToken)
    {
        if (_conversations.TryGetValue(conversationId, out var conversation))
        {
            lock (conversation)
            {
                if (conversation.ActiveStreamId == streamId)
                {
                    conversation.UnconfirmedSince = null;
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteTurnAsync(
        string conversationId, string streamId, ChatTurn? assistantTurn, CancellationToken cancellationToken)
    {
        if (_conversations.TryGetValue(conversationId, out var conversation))
        {
            lock (conversation)
            {
                if (conversation.ActiveStreamId == streamId)
                {
                    conversation.ActiveStreamId = null;
                    conversation.UnconfirmedSince = null;
                    if (assistantTurn is not null)
                    {
                        conversation.Append(assistantTurn with { StreamId = streamId }, options.Value.MaxHistoryTurns, time.GetUtcNow());
                    }
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<ConversationSummary>> ListAsync(string ownerId, CancellationToken cancellationToken)
    {
        var mine = _conversations
            .Where(pair => pair.Value.OwnerId == ownerId)
            .Select(pair => Snapshot(pair.Key, pair.Value).Summary)
            .OrderByDescending(summary => summary.LastActivity)
            .ToArray();
        return ValueTask.FromResult<IReadOnlyList<ConversationSummary>>(mine);
    }

    public ValueTask<ConversationSnapshot?> GetAsync(string conversationId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_conversations.TryGetValue(conversationId, out var conversation) ? Snapshot(conversationId, conversation) : null);

    public ValueTask<ConversationAccess?> DeleteAsync(string conversationId, string ownerId, CancellationToken cancellationToken)
    {
        if (!_conversations.TryGetValue(conversationId, out var conversation))
        {
            return ValueTask.FromResult<ConversationAccess?>(null);
        }

        if (conversation.OwnerId != ownerId)
        {
            return ValueTask.FromResult<ConversationAccess?>(ConversationAccess.Forbidden);
        }

        _conversations.TryRemove(new KeyValuePair<string, Conversation>(conversationId, conversation));
        return ValueTask.FromResult<ConversationAccess?>(ConversationAccess.Owned);
    }

    private static ConversationSnapshot Snapshot(string conversationId, Conversation conversation)
    {
        lock (conversation)
        {
            return new ConversationSnapshot(
                conversationId, conversation.OwnerId, conversation.Title ?? string.Empty, conversation.LastActivity,
                conversation.ActiveStreamId, conversation.Turns.ToArray());
        }
    }

    /// <summary>Drops conversations idle past their retention that have no answer in progress.</summary>
    public int RemoveExpired()
    {
        var cutoff = time.GetUtcNow() - options.Value.ConversationRetention;
        var removed = 0;
        foreach (var (id, conversation) in _conversations)
        {
            lock (conversation)
            {
                if (conversation.ActiveStreamId is null && conversation.LastActivity <= cutoff
                    && _conversations.TryRemove(id, out _))
                {
                    removed++;
                }
            }
        }

        return removed;
    }

    private Conversation Find(string conversationId) =>
        _conversations.TryGetValue(conversationId, out var conversation)
            ? conversation
            : throw new InvalidOperationException($"Conversation '{conversationId}' was not claimed.");

    private sealed class Conversation(string ownerId, DateTimeOffset createdAt)
    {
        public string OwnerId { get; } = ownerId;

        public List<ChatTurn> Turns { get; } = [];

        public string? ActiveStreamId { get; set; }

        /// <summary>When the answer in progress was begun, until it is confirmed as submitted.</summary>
        public DateTimeOffset? UnconfirmedSince { get; set; }

        public string? Title { get; set; }

        public DateTimeOffset LastActivity { get; private set; } = createdAt;

        public void Append(ChatTurn turn, int maxTurns, DateTimeOffset now)
        {
            Turns.Add(turn);
            if (Turns.Count > maxTurns)
            {
                Turns.RemoveRange(0, Turns.Count - maxTurns);
            }

            LastActivity = now;
        }
    }
}
