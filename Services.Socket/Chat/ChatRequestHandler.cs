using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Socket.Connections;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Chat;

/// <summary>
/// Turns a <c>user.message</c> into a request on the bus and follows the answer's stream. Every refusal
/// is an <c>error</c> frame that names the message it answers; the connection stays open.
/// </summary>
internal sealed class ChatRequestHandler(
    IConversationStore conversations,
    IStreamStore streams,
    IRequestQueue requests,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<ChatRequestHandler> logger)
{
    private const int MaxConversationIdLength = 128;

    public async ValueTask HandleAsync(ClientConnection connection, UserMessage message)
    {
        if (Validate(message) is { } problem)
        {
            connection.SendCritical(connection.Error(ErrorCodes.InvalidMessage, problem, replyTo: message.Id));
            return;
        }

        var streamId = "s_" + MessageIds.New();
        try
        {
            await SubmitAsync(connection, message, streamId);
        }
        catch (Exception ex) when (!connection.Aborted.IsCancellationRequested)
        {
            // A bus call failed or timed out (a stalled Redis, a machine busy starting up). The message must still
            // end in an error the client can act on, on the open connection; and a turn this message may have
            // begun must not keep the conversation busy forever.
            logger.MessageNotTaken(connection.ConnectionId, message.ConversationId, ex);
            connection.SendCritical(connection.Error(
                ErrorCodes.Internal, "The message could not be taken right now; send it again.", retryable: true, replyTo: message.Id));
            await ReleaseTurnAsync(message.ConversationId, streamId);
        }
    }

    private async ValueTask SubmitAsync(ClientConnection connection, UserMessage message, string streamId)
    {
        var owner = connection.IdentityId!;
        var ct = connection.Aborted;
        if (await conversations.ClaimAsync(message.ConversationId, owner, ct) == ConversationAccess.Forbidden)
        {
            logger.ConversationForbidden(connection.ConnectionId, message.ConversationId);
            connection.SendCritical(connection.Error(
                ErrorCodes.Forbidden, "This conversation belongs to another identity.", replyTo: message.Id));
            return;
        }

        var history = await conversations.TryBeginTurnAsync(
            message.ConversationId, streamId, new ChatTurn(TurnRole.User, message.Content), ct);
        if (history is null)
        {
            connection.SendCritical(connection.Error(
                ErrorCodes.ConversationBusy, "An answer is still streaming in this conversation.", retryable: true, replyTo: message.Id));
            return;
        }

        using var activity = GatewayTelemetry.StartChatRequest(message, streamId, owner);

        var now = time.GetUtcNow();
        await streams.CreateAsync(
            new StreamInfo { StreamId = streamId, ConversationId = message.ConversationId, OwnerId = owner, CreatedAt = now }, ct);
        var request = new ChatRequest
        {
            StreamId = streamId,
            ConversationId = message.ConversationId,
            OwnerId = owner,
            UserMessageId = message.Id,
            History = history,
            SubmittedAt = now,
            TraceParent = activity?.Id,
        };

        try
        {
            await requests.SubmitAsync(request, ct);
        }
        catch (BusOverloadedException ex)
        {
            logger.Overloaded(connection.ConnectionId, ex.Message);
            await AbandonAsync(request, ct);
            connection.SendCritical(connection.Error(ErrorCodes.Overloaded, ex.Message, retryable: true, replyTo: message.Id));
            return;
        }

        if (!connection.TryFollow(streamId, StreamPosition.Beginning))
        {
            connection.SendCritical(connection.Error(
                ErrorCodes.InvalidMessage,
                $"This connection already follows {options.Value.MaxStreamsPerConnection} answers; the answer continues and can be resumed.",
                retryable: true,
                replyTo: message.Id,
                streamId: streamId));
        }
    }

    private string? Validate(UserMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.ConversationId) || message.ConversationId.Length > MaxConversationIdLength
            || !message.ConversationId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            return $"conversationId must be 1–{MaxConversationIdLength} characters of [A-Za-z0-9-_.:].";
        }

        if (string.IsNullOrWhiteSpace(message.Content))
        {
            return "content must not be empty.";
        }

        return message.Content.Length > options.Value.MaxUserMessageChars
            ? $"content is longer than {options.Value.MaxUserMessageChars} characters."
            : null;
    }

    // Only ends the turn if it is this stream's (the script checks), so it is harmless when the turn never began.
    // Sent on the same Redis connection, it runs after a stalled begin-turn, even if that one timed out here.
    private async ValueTask ReleaseTurnAsync(string conversationId, string streamId)
    {
        try
        {
            await conversations.CompleteTurnAsync(conversationId, streamId, null, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.TurnNotReleased(conversationId, streamId, ex.Message);
        }
    }

    // A stream that no worker will ever write must still end, or its readers would wait forever.
    private async ValueTask AbandonAsync(ChatRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await streams.AppendAsync(request.StreamId, new AssistantStart
        {
            Id = MessageIds.New(),
            Timestamp = now,
            ConversationId = request.ConversationId,
            StreamId = request.StreamId,
            Model = "none",
            ReplyTo = request.UserMessageId,
        }, ct);
        await streams.AppendAsync(request.StreamId, new AssistantEnd
        {
            Id = MessageIds.New(),
            Timestamp = now,
            StreamId = request.StreamId,
            FullContent = string.Empty,
            FinishReason = FinishReason.Error,
            Usage = new Usage(),
        }, ct);
        await conversations.CompleteTurnAsync(request.ConversationId, request.StreamId, null, ct);
    }
}
