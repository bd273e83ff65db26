using System.Threading.Channels;
using AspireAgent.Bus;
using AspireAgent.Bus.Turns;
using AspireAgent.Inference.Batching;
using AspireAgent.Inference.Diagnostics;
using AspireAgent.Inference.Models;
using AspireAgent.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AspireAgent.Inference.Generation;

/// <summary>
/// Generates one answer: <c>assistant.start</c>, the model's text in batched chunks, <c>assistant.end</c>,
/// then the conversation's turn and the lease are completed. The model call runs in an <see cref="AnswerRun"/>
/// and feeds a bounded channel; the batcher and the stream writer drain it.
/// </summary>
/// <remarks>
/// Each attempt first acquires the stream, which fences out any earlier producer. A stream that a dead
/// worker left half-written gets a reset and the whole answer again (seqs keep counting, readers drop the
/// old text); one it left ended only needs its turn and lease completed. A write lost with the bus
/// connection is recovered by the writer; one that cannot be leads to a new attempt the same way, up to
/// <see cref="InferenceOptions.MaxAttempts"/>.
/// </remarks>
internal sealed partial class AnswerGenerator(
    InferenceModel model,
    TokenBatcher batcher,
    IStreamStore streams,
    TurnLifecycle turns,
    IStreamSignals signals,
    IOptions<InferenceOptions> options,
    IOptions<BusOptions> busOptions,
    InferenceMetrics metrics,
    TimeProvider time,
    ILogger<AnswerGenerator> logger)
{
    // Absorbs bursts between the model and the writer, and is small enough that a writer that stalls soon
    // stops the pull from the model.
    private const int TokenBufferCapacity = 256;

    /// <param name="lease">The request to answer.</param>
    /// <param name="stoppingToken">The worker is stopping: the model call is cancelled and the stream ends with <c>error</c>.</param>
    /// <param name="abandonToken">The host gave up waiting: nothing more is written.</param>
    /// <exception cref="Exception">The bus cannot be reached: the lease stays uncompleted, for a durable bus to hand on.</exception>
    public async Task GenerateAsync(RequestLease lease, CancellationToken stoppingToken, CancellationToken abandonToken)
    {
        var request = lease.Request;
        while (true)
        {
            StreamProducer producer;
            try
            {
                producer = await streams.AcquireAsync(request.StreamId, abandonToken).ConfigureAwait(false);
            }
            catch (StreamNotFoundException)
            {
                // Expired, or lost with the bus's data: nobody can read an answer to it any more.
                LogStreamGone(request.StreamId);
                await CompleteAsync(lease, content: null, abandonToken).ConfigureAwait(false);
                return;
            }

            if (producer.End is { } ended)
            {
                LogAlreadyEnded(request.StreamId, producer.Attempt);
                await CompleteAsync(lease, ended.FullContent, abandonToken).ConfigureAwait(false);
                return;
            }

            // Disposed per attempt: a failed attempt leaves no append in flight behind it.
            await using var writer = new AnswerStreamWriter(
                streams, producer, request, busOptions.Value.MaxChunksPerStream, busOptions.Value.MaxBytesPerStream, time);
            var done = producer.Attempt > options.Value.MaxAttempts
                ? await GiveUpAsync(writer, abandonToken).ConfigureAwait(false)
                : await AttemptAsync(writer, stoppingToken, abandonToken).ConfigureAwait(false);
            switch (done)
            {
                case AttemptOutcome.Ended:
                    await CompleteAsync(lease, writer.Content, abandonToken).ConfigureAwait(false);
                    return;
                case AttemptOutcome.LeftAsIs:
                    return;
                case AttemptOutcome.Failed:
                    continue;
            }
        }
    }

    private async Task<AttemptOutcome> AttemptAsync(AnswerStreamWriter writer, CancellationToken stoppingToken, CancellationToken abandonToken)
    {
        var request = writer.Request;
        using var activity = InferenceTelemetry.StartAnswer(request, model);

        // A later attempt took over from a worker presumed dead: its wait is the takeover's, not the queue's.
        metrics.Started(writer.Producer.Attempt == 1 ? time.GetUtcNow() - request.SubmittedAt : null);
        try
        {
            await writer.OpenAsync(model.Name, model.IsSimulated, abandonToken).ConfigureAwait(false);
            if (writer.Producer.Attempt > 1)
            {
                LogTakingOver(request.StreamId, writer.Producer.Attempt, writer.FirstSeq);
            }

            var end = await StreamAnswerAsync(request, writer, stoppingToken, abandonToken).ConfigureAwait(false);
            InferenceTelemetry.Ended(activity, end);
            metrics.Ended(end);
            if (writer.RecoveredWrites > 0)
            {
                LogRecoveredWrites(request.StreamId, writer.RecoveredWrites);
            }

            LogAnswered(request.StreamId, end.FinishReason, end.ChunkCount, end.Usage.CompletionTokens, end.Usage.DurationMs);
            return AttemptOutcome.Ended;
        }
        catch (OperationCanceledException) when (abandonToken.IsCancellationRequested)
        {
            // Left as it is: a durable bus hands the unfinished lease to another worker.
            LogAbandoned(request.StreamId);
            return AttemptOutcome.LeftAsIs;
        }
        catch (StreamFencedException)
        {
            // Another worker took the answer over (this one was presumed dead); it completes turn and lease.
            LogFenced(request.StreamId, writer.Producer.Attempt);
            return AttemptOutcome.LeftAsIs;
        }
        catch (Exception exception)
        {
            LogAttemptFailed(exception, request.StreamId, writer.Producer.Attempt);
            InferenceTelemetry.Failed(activity, exception);
            return AttemptOutcome.Failed;
        }
        finally
        {
            metrics.Stopped();
        }
    }

    // Every attempt so far died or failed: the answer ends with error (after a reset, so no partial text of
    // an abandoned attempt passes for the answer).
    private async Task<AttemptOutcome> GiveUpAsync(AnswerStreamWriter writer, CancellationToken abandonToken)
    {
        var request = writer.Request;
        try
        {
            await writer.OpenAsync(model.Name, model.IsSimulated, abandonToken).ConfigureAwait(false);
            var usage = UsageCalculator.Compute(request, reported: null, firstTokenAt: null, writer.Content, time.GetUtcNow());
            await CompleteTurnAsync(request, writer.Content, abandonToken).ConfigureAwait(false);
            metrics.Ended(await writer.EndAsync(FinishReason.Error, usage, abandonToken).ConfigureAwait(false));
        }
        catch (StreamFencedException)
        {
            return AttemptOutcome.LeftAsIs;
        }

        LogGaveUp(request.StreamId, writer.Producer.Attempt - 1);
        return AttemptOutcome.Ended;
    }

    private async Task<AssistantEnd> StreamAnswerAsync(
        ChatRequest request, AnswerStreamWriter writer, CancellationToken stoppingToken, CancellationToken abandonToken)
    {
        await using var watch = await signals.WatchAsync(request.StreamId, abandonToken).ConfigureAwait(false);
        using var run = new AnswerRun(options.Value.MaxAnswerDuration, time, stoppingToken, watch.Interrupted);
        var tokens = Channel.CreateBounded<ModelToken>(new BoundedChannelOptions(TokenBufferCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var prompt = request.History.Select(ToChatMessage).ToList();
        var pump = ModelPump.RunAsync(model.Client, prompt, tokens.Writer, time, run.ModelToken);

        ModelOutcome outcome;
        var drained = false;
        try
        {
            // Not cancelled by a stop: the batcher drains what the model already sent, so it reaches the stream.
            await foreach (var delta in batcher.BatchAsync(tokens.Reader, abandonToken).ConfigureAwait(false))
            {
                if (!writer.Fits(delta))
                {
                    run.Stop(StopCause.ChunkLimit);
                    break;
                }

                if (!await WaitForCreditAsync(watch, writer, run).ConfigureAwait(false))
                {
                    break;
                }

                await writer.AppendAsync(delta, abandonToken).ConfigureAwait(false);
            }

            drained = true;
        }
        finally
        {
            if (!drained)
            {
                run.Stop(StopCause.Failed);
            }

            // No model call outlives its answer.
            outcome = await pump.ConfigureAwait(false);
        }

        var reason = FinishReasonOf(run.Cause, outcome);
        if (outcome.Error is { } error)
        {
            LogModelFailed(error, request.StreamId, writer.ChunkCount);
        }
        else if (run.Cause != StopCause.None && reason != FinishReason.Stop)
        {
            LogStopped(request.StreamId, run.Cause, reason);
        }

        // The turn records only text that is in the stream: the chunks still queued land first.
        await writer.FlushAsync().ConfigureAwait(false);
        var usage = UsageCalculator.Compute(request, outcome.Usage, outcome.FirstTokenAt, writer.Content, time.GetUtcNow());
        await CompleteTurnAsync(request, writer.Content, abandonToken).ConfigureAwait(false);
        return await writer.EndAsync(reason, usage, abandonToken).ConfigureAwait(false);
    }

    // The turn is complete before the client can learn that the answer ended: a client that asks again the
    // moment it sees assistant.end must find the conversation free and its history whole. Completing again
    // after the end (CompleteAsync) finds nothing to do: it is keyed by the stream in progress.
    // It also stops counting the answer against its owner's quota, so the owner may ask again at once.
    private ValueTask CompleteTurnAsync(ChatRequest request, string content, CancellationToken abandonToken) =>
        turns.CompleteAsync(request, content, abandonToken);

    /// <summary>
    /// Backpressure at the producer: while the client is a window behind, this loop does not ask the batcher
    /// for more, the bounded token channel fills, and the model pump stops pulling from the model.
    /// False when the answer was stopped while waiting (interrupt, shutdown, or a pause past MaxPause).
    /// </summary>
    private async ValueTask<bool> WaitForCreditAsync(IStreamWatch watch, AnswerStreamWriter writer, AnswerRun run)
    {
        // Chunks of earlier attempts count as read: the client drops them at the reset, and may never acknowledge them.
        var window = options.Value.Backpressure.Window;
        if (writer.ChunkCount - Math.Max(watch.Acknowledged, writer.FirstSeq - 1) <= window)
        {
            return true;
        }

        var credit = watch.WaitForCreditAsync(writer.ChunkCount, window, run.ModelToken);
        if (credit.IsCompletedSuccessfully)
        {
            return true;
        }

        metrics.Paused();
        LogPaused(writer.Request.StreamId, writer.ChunkCount, watch.Acknowledged);
        try
        {
            await credit.AsTask().WaitAsync(options.Value.Backpressure.MaxPause, time).ConfigureAwait(false);
            LogResumed(writer.Request.StreamId, writer.ChunkCount);
            return true;
        }
        catch (TimeoutException)
        {
            run.Stop(StopCause.Stalled);
            return false;
        }
        catch (OperationCanceledException) when (run.Cause != StopCause.None)
        {
            return false;
        }
    }

    private static FinishReason FinishReasonOf(StopCause cause, ModelOutcome outcome) => cause switch
    {
        // Text the model sent was dropped, even if the model had finished.
        StopCause.ChunkLimit => FinishReason.Length,

        // Everything the model generated reached the stream, whatever happened afterwards.
        _ when outcome.Completed && cause != StopCause.Stalled =>
            outcome.FinishReason == ChatFinishReason.Length ? FinishReason.Length : FinishReason.Stop,
        StopCause.Interrupted => FinishReason.Interrupted,
        StopCause.Deadline => FinishReason.Length,
        _ => FinishReason.Error,
    };

    private async Task CompleteAsync(RequestLease lease, string? content, CancellationToken abandonToken)
    {
        var request = lease.Request;
        try
        {
            await turns.CompleteAsync(request, content, abandonToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!abandonToken.IsCancellationRequested)
        {
            // Still complete the lease: another worker would only find a stream that has already ended.
            LogTurnNotCompleted(exception, request.ConversationId, request.StreamId);
        }

        await lease.CompleteAsync(abandonToken).ConfigureAwait(false);
    }

    private static ChatMessage ToChatMessage(ChatTurn turn) =>
        new(turn.Role == TurnRole.User ? ChatRole.User : ChatRole.Assistant, turn.Content);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered stream {StreamId}: {FinishReason}, {ChunkCount} chunks, {CompletionTokens} tokens, {DurationMs} ms since submission")]
    private partial void LogAnswered(string streamId, FinishReason finishReason, long chunkCount, int completionTokens, long durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model failed on stream {StreamId} after {ChunkCount} chunks; the answer ends with finish reason error")]
    private partial void LogModelFailed(Exception exception, string streamId, long chunkCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the model on stream {StreamId} ({Cause}); the answer ends with finish reason {FinishReason}")]
    private partial void LogStopped(string streamId, StopCause cause, FinishReason finishReason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Paused stream {StreamId} before chunk {Seq}: the client acknowledged only up to {Acknowledged}")]
    private partial void LogPaused(string streamId, long seq, long acknowledged);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resumed stream {StreamId} at chunk {Seq}")]
    private partial void LogResumed(string streamId, long seq);

    [LoggerMessage(Level = LogLevel.Error, Message = "Attempt {Attempt} at the answer of stream {StreamId} failed; the next attempt resets the stream")]
    private partial void LogAttemptFailed(Exception exception, string streamId, long attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId} went on after {Count} writes whose outcome was lost with the bus connection")]
    private partial void LogRecoveredWrites(string streamId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking over stream {StreamId} as attempt {Attempt}: a reset, then the answer again from chunk {Seq}")]
    private partial void LogTakingOver(string streamId, long attempt, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId} was taken over by another worker while attempt {Attempt} was writing it; this one stops")]
    private partial void LogFenced(string streamId, long attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId} had ended already (attempt {Attempt}); completing its request")]
    private partial void LogAlreadyEnded(string streamId, long attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId} no longer exists; its request is dropped")]
    private partial void LogStreamGone(string streamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up on stream {StreamId} after {Attempts} attempts; it ends with finish reason error")]
    private partial void LogGaveUp(string streamId, long attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not complete the turn of stream {StreamId} in conversation {ConversationId}")]
    private partial void LogTurnNotCompleted(Exception exception, string conversationId, string streamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abandoned stream {StreamId}: the host stopped waiting for it")]
    private partial void LogAbandoned(string streamId);

    private enum AttemptOutcome
    {
        /// <summary>The stream has its end: complete turn and lease.</summary>
        Ended,

        /// <summary>Another worker owns the answer now, or the host gave up: touch nothing.</summary>
        LeftAsIs,

        /// <summary>Writing failed: acquire the stream again and retry.</summary>
        Failed,
    }
}
