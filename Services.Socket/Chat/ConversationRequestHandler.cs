using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Socket.Diagnostics;
using BusTurnRole = AspireAgent.Bus.TurnRole;
using AspireAgent.Socket.Sessions;

namespace AspireAgent.Socket.Chat;

/// <summary>
/// The conversation actions: <c>conversations.list</c>, <c>conversation.get</c>, <c>conversation.delete</c>.
/// Owner-only: another identity's conversation is answered with <c>forbidden</c> and nothing of its content.
/// </summary>
internal sealed class ConversationRequestHandler(IConversationStore conversations, ILogger<ConversationRequestHandler> logger)
{
    public async ValueTask HandleAsync(IClientSession connection, ControlMessage message)
    {
        var owner = connection.IdentityId!;
        if (message.Action == ControlActions.ListConversations)
        {
            var mine = await conversations.ListAsync(owner, connection.Aborted);
            await connection.SendAsync(new ConversationList
            {
                Id = MessageIds.New(),
                Timestamp = connection.NowMs(),
                ReplyTo = message.Id,
                Conversations = [.. mine.Select(c => new Protocol.ConversationSummary
                {
                    ConversationId = c.ConversationId,
                    Title = c.Title,
                    LastActivity = c.LastActivity.ToUnixTimeMilliseconds(),
                    ActiveStreamId = c.ActiveStreamId,
                })],
            });
            return;
        }

        if (message.Get(ControlKeys.ConversationId) is not { Length: > 0 } conversationId)
        {
            connection.SendCritical(connection.Error(ErrorCodes.InvalidMessage, $"{message.Action} needs payload conversationId.", replyTo: message.Id));
            return;
        }

        if (message.Action == ControlActions.DeleteConversation)
        {
            var deleted = await conversations.DeleteAsync(conversationId, owner, connection.Aborted);
            if (deleted == ConversationAccess.Owned)
            {
                await connection.SendAsync(new ControlMessage
                {
                    Id = MessageIds.New(),
                    Timestamp = connection.NowMs(),
                    Action = ControlActions.ConversationDeleted,
                    Payload = new Dictionary<string, string> { [ControlKeys.ConversationId] = conversationId, [ControlKeys.ReplyTo] = message.Id },
                });
                return;
            }

            Refuse(connection, message, conversationId, deleted);
            return;
        }

        var snapshot = await conversations.GetAsync(conversationId, connection.Aborted);
        if (snapshot?.OwnerId != owner)
        {
            Refuse(connection, message, conversationId, snapshot is null ? null : ConversationAccess.Forbidden);
            return;
        }

        await connection.SendAsync(new ConversationHistory
        {
            Id = MessageIds.New(),
            Timestamp = connection.NowMs(),
            ReplyTo = message.Id,
            ConversationId = conversationId,
            ActiveStreamId = snapshot.ActiveStreamId,
            Turns = [.. snapshot.Turns.Select(t => new ConversationTurn
            {
                Role = t.Role == BusTurnRole.User ? TurnRoles.User : TurnRoles.Assistant,
                Content = t.Content,
                StreamId = t.StreamId,
            })],
        });
    }

    private void Refuse(IClientSession connection, ControlMessage message, string conversationId, ConversationAccess? access)
    {
        if (access == ConversationAccess.Forbidden)
        {
            logger.ConversationForbidden(connection.ConnectionId, conversationId);
            connection.SendCritical(connection.Error(ErrorCodes.Forbidden, "This conversation belongs to another identity.", replyTo: message.Id));
            return;
        }

        connection.SendCritical(connection.Error(
            ErrorCodes.ConversationNotFound, "The conversation does not exist, was deleted, or its retention expired.", replyTo: message.Id));
    }
}
