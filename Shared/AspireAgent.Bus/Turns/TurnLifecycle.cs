using AspireAgent.Protocol;
using Microsoft.Extensions.Logging;

namespace AspireAgent.Bus.Turns;

/// <summary>
/// A turn from admission to completion, through bus operations only: the gateway begins it (quota, the
/// conversation's answer in progress, the stream, the request), the worker completes it. Every refusal is
/// decided before the request reaches the queue, so a refused request is never generated; one refused by the
/// queue itself is undone here, its stream ended through a fenced producer like any other answer.
/// </summary>
public sealed partial class TurnLifecycle(
    IConversationStore conversations,
    IStreamStore streams,
    IRequestQueue requests,
    IAnswerQuota quota,
    TimeProvider time,
    ILogger<TurnLifecycle> logger)
{
    /// <summary>
    /// Admits and submits the turn. Nothing is left behind when it is refused: no quota counted, no
    /// conversation busy, no request queued.
    /// </summary>
    /// <param name="maxAnswersPerOwner">Answers the owner may have in flight and queued, on every node together.</param>
    public async ValueTask<TurnAdmission> BeginAsync(TurnStart start, int maxAnswersPerOwner, CancellationToken cancellationToken)
    {
        if (!await quota.TryTakeAsync(start.OwnerId, start.StreamId, maxAnswersPerOwner, cancellationToken).ConfigureAwait(false))
        {
            return TurnAdmission.QuotaExceeded;
        }

        // True from the moment the begin is sent: a begin that failed or timed out here may still have run on
        // the bus (a stalled Redis runs it later), and the conversation must not stay busy because of it.
        var mayHaveBegun = true;
        var submitted = false;
        try
        {
            var history = await conversations.TryBeginTurnAsync(
                start.ConversationId, start.StreamId, new ChatTurn(TurnRole.User, start.Content), cancellationToken).ConfigureAwait(false);
            if (history is null)
            {
                mayHaveBegun = false;
                return TurnAdmission.Busy;
            }

            var now = time.GetUtcNow();
            await streams.CreateAsync(
                new StreamInfo { StreamId = start.StreamId, ConversationId = start.ConversationId, OwnerId = start.OwnerId, CreatedAt = now },
                cancellationToken).ConfigureAwait(false);
            var request = new ChatRequest
            {
                StreamId = start.StreamId,
                ConversationId = start.ConversationId,
                OwnerId = start.OwnerId,
                UserMessageId = start.UserMessageId,
                History = history,
                SubmittedAt = now,
                TraceParent = start.TraceParent,
            };

            try
            {
                await requests.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (BusOverloadedException ex)
            {
                await EndUnansweredAsync(request, cancellationToken).ConfigureAwait(false);
                return TurnAdmission.Overloaded(ex.Message);
            }

            submitted = true;
            await conversations.ConfirmTurnAsync(start.ConversationId, start.StreamId, cancellationToken).ConfigureAwait(false);
            return TurnAdmission.Started(request);
        }
        finally
        {
            if (!submitted)
            {
                await UndoAsync(start, mayHaveBegun).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Ends the turn: the conversation is free again (with the assistant's text in its history when there is
    /// any) and the answer no longer counts against its owner. Safe to call more than once.
    /// </summary>
    public async ValueTask CompleteAsync(ChatRequest request, string? content, CancellationToken cancellationToken)
    {
        await conversations.CompleteTurnAsync(
            request.ConversationId,
            request.StreamId,
            content is { Length: > 0 } ? new ChatTurn(TurnRole.Assistant, content) : null,
            cancellationToken).ConfigureAwait(false);
        await quota.ReleaseAsync(request.OwnerId, request.StreamId, cancellationToken).ConfigureAwait(false);
    }

    // The stream was created but no worker will ever write it: it ends here, or a reader would wait forever.
    // Written through a producer handle, so it is fenced like a worker's writes.
    private async ValueTask EndUnansweredAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var producer = await streams.AcquireAsync(request.StreamId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await streams.AppendAsync(producer, new AssistantStart
        {
            Id = MessageIds.New(),
            Timestamp = now,
            ConversationId = request.ConversationId,
            StreamId = request.StreamId,
            Model = "none",
            ReplyTo = request.UserMessageId,
        }, cancellationToken).ConfigureAwait(false);
        await streams.AppendAsync(producer, new AssistantEnd
        {
            Id = MessageIds.New(),
            Timestamp = now,
            StreamId = request.StreamId,
            FullContent = string.Empty,
            FinishReason = FinishReason.Error,
            Usage = new Usage(),
        }, cancellationToken).ConfigureAwait(false);
    }

    // Undone whatever the outcome of the caller's token: a refusal, or a failure half-way, must not leave the
    // conversation busy or the quota taken. What cannot be undone now expires (TurnStartTimeout, AnswerQuotaLifetime).
    // Completing the turn only ends it if it is this stream's, so it is harmless where the begin never ran; sent
    // on the same connection as a stalled begin, it runs after it.
    private async ValueTask UndoAsync(TurnStart start, bool mayHaveBegun)
    {
        try
        {
            if (mayHaveBegun)
            {
                await conversations.CompleteTurnAsync(start.ConversationId, start.StreamId, null, CancellationToken.None).ConfigureAwait(false);
            }

            await quota.ReleaseAsync(start.OwnerId, start.StreamId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogUndoFailed(exception, start.StreamId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not undo the refused turn of stream {StreamId}; it expires instead")]
    private partial void LogUndoFailed(Exception exception, string streamId);
}
