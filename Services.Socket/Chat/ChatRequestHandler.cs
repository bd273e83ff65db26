using AspireAgent.Bus;
using AspireAgent.Bus.Turns;
using AspireAgent.Protocol;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Options;
using AspireAgent.Socket.Quotas;
using Microsoft.Extensions.Options;
using AspireAgent.Socket.Sessions;

namespace AspireAgent.Socket.Chat;

/// <summary>
/// Turns a <c>user.message</c> into a request on the bus and follows the answer's stream. Every refusal
/// is an <c>error</c> frame that names the message it answers; the connection stays open. Every limit is
/// checked before anything is queued, cheapest first, so a refused request is never generated.
/// </summary>
internal sealed class ChatRequestHandler(
    IConversationStore conversations,
    TurnLifecycle turns,
    UserMessageRateLimiter rateLimiter,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    IOptions<QuotaOptions> quotas,
    ILogger<ChatRequestHandler> logger)
{
    private const int MaxConversationIdLength = 128;

    public async ValueTask HandleAsync(IClientSession connection, UserMessage message)
    {
        var owner = connection.IdentityId!;
        if (Validate(message) is { } problem)
        {
            connection.SendCritical(connection.Error(ErrorCodes.InvalidMessage, problem, replyTo: message.Id));
            return;
        }

        if (!rateLimiter.TryAcquire(owner, out var retryAfter))
        {
            Refuse(connection, message, "rate_limited", ErrorCodes.RateLimited,
                "Too many messages from this identity; wait before sending again.", retryAfter);
            return;
        }

        // Inbound messages of a connection are handled one at a time, so the room checked here is still
        // there when the admitted answer is followed below.
        if (!connection.CanFollowAnother)
        {
            Refuse(connection, message, "connection_quota", ErrorCodes.QuotaExceeded,
                $"This connection already follows {options.Value.MaxStreamsPerConnection} answers; send again once one has ended.",
                quotas.Value.QuotaRetryAfter);
            return;
        }

        try
        {
            await AdmitAsync(connection, message, owner);
        }
        catch (Exception ex) when (!connection.Aborted.IsCancellationRequested)
        {
            // A bus call failed or timed out (a stalled Redis, one still loading its data after a restart, a machine
            // busy starting up). The message must still end in an error the client can act on, on the open
            // connection; the turn lifecycle has released whatever the message may have begun.
            logger.MessageNotTaken(connection.ConnectionId, message.ConversationId, ex);
            connection.SendCritical(connection.Error(
                ErrorCodes.Internal, "The message could not be taken right now; send it again.", retryable: true, replyTo: message.Id));
        }
    }

    private async ValueTask AdmitAsync(IClientSession connection, UserMessage message, string owner)
    {
        var ct = connection.Aborted;
        if (await conversations.ClaimAsync(message.ConversationId, owner, ct) == ConversationAccess.Forbidden)
        {
            logger.ConversationForbidden(connection.ConnectionId, message.ConversationId);
            connection.SendCritical(connection.Error(
                ErrorCodes.Forbidden, "This conversation belongs to another identity.", replyTo: message.Id));
            return;
        }

        var streamId = "s_" + MessageIds.NewUnguessable();
        using var activity = GatewayTelemetry.StartChatRequest(message, streamId, owner);
        var start = new TurnStart
        {
            StreamId = streamId,
            ConversationId = message.ConversationId,
            OwnerId = owner,
            UserMessageId = message.Id,
            Content = message.Content,
            TraceParent = activity?.Id,
        };

        var admission = await turns.BeginAsync(start, quotas.Value.MaxAnswersPerIdentity, ct);
        switch (admission.Outcome)
        {
            case TurnOutcome.Started:
                connection.TryFollow(streamId, StreamPosition.Beginning);
                break;
            case TurnOutcome.QuotaExceeded:
                Refuse(connection, message, "identity_quota", ErrorCodes.QuotaExceeded,
                    $"This identity already has {quotas.Value.MaxAnswersPerIdentity} answers in flight or queued; send again once one has ended.",
                    quotas.Value.QuotaRetryAfter);
                break;
            case TurnOutcome.Busy:
                metrics.Refused("busy");
                connection.SendCritical(connection.Error(
                    ErrorCodes.ConversationBusy, "An answer is still streaming in this conversation.", retryable: true, replyTo: message.Id));
                break;
            case TurnOutcome.Overloaded:
                metrics.Refused("overloaded");
                logger.Overloaded(connection.ConnectionId, admission.Reason!);
                connection.SendCritical(connection.Error(ErrorCodes.Overloaded, admission.Reason!, retryable: true, replyTo: message.Id));
                break;
        }
    }

    private void Refuse(IClientSession connection, UserMessage message, string reason, string code, string text, TimeSpan retryAfter)
    {
        metrics.Refused(reason);
        connection.SendCritical(connection.Error(code, text, retryable: true, replyTo: message.Id) with
        {
            RetryAfterMs = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds)),
        });
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
}
