namespace AspireAgent.Protocol.Client;

/// <summary>
/// The supervisor: runs one connection after another, and between them decides — from how the last one
/// ended — whether to stop, fail, or reconnect (at once or after backoff), up to the retry limit.
/// </summary>
public sealed partial class AgentClient
{
    private async Task SuperviseAsync(LiveConnection connection, CancellationToken session)
    {
        while (true)
        {
            var loss = await RunConnectionAsync(connection).ConfigureAwait(false);
            (CloseStatus, CloseDescription) = (loss.CloseStatus, loss.CloseDescription);
            var ended = new AgentConnectionException($"The connection ended ({loss.Describe()}).", loss.CloseStatus, loss.Error);
            var decision = _closeRequested || session.IsCancellationRequested ? ReconnectDecision.Stop : loss.Decision;
            if (decision == ReconnectDecision.Stop)
            {
                Finish(AgentConnectionState.Closed, null, ended);
                return;
            }

            if (decision == ReconnectDecision.Fail || !_options.Reconnect.Enabled)
            {
                Finish(AgentConnectionState.Failed, loss.Error ?? ended, ended);
                return;
            }

            // Answers wait for the next connection, except those that cannot be resumed.
            _router.Suspend(ended);
            _requests.FailAll(ended);
            if (loss.IsAbnormal)
            {
                _state.TryTransition(AgentConnectionState.Abnormal);
            }

            if (!_state.TryTransition(AgentConnectionState.Reconnecting))
            {
                Finish(AgentConnectionState.Closed, null, ended); // closed in between
                return;
            }

            // Its loops are over; only its facts (heartbeat, answers seen) may still be read until the next one.
            connection.Dispose();
            if (await ReconnectAsync(decision, loss, session).ConfigureAwait(false) is not { } next)
            {
                return; // finished as Failed or Closed
            }

            connection = next;
        }
    }

    /// <summary>Runs one connection's loops, resumes the answers in progress on it, and returns how it ended.</summary>
    private async Task<ConnectionLoss> RunConnectionAsync(LiveConnection connection)
    {
        var receiving = ReceiveLoopAsync(connection);
        var heartbeat = HeartbeatLoopAsync(connection);

        // Acks count only on a connection that follows the stream, so they wait for the resume frames.
        await ResumeAsync(connection).ConfigureAwait(false);
        var acknowledging = AcknowledgeLoopAsync(connection);

        var loss = await receiving.ConfigureAwait(false);
        await connection.StopAsync().ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);
        await acknowledging.ConfigureAwait(false);
        return loss;
    }

    /// <summary>Attempts until one connects; null when the client failed or was closed instead (already finished).</summary>
    private async Task<LiveConnection?> ReconnectAsync(ReconnectDecision decision, ConnectionLoss loss, CancellationToken session)
    {
        var options = _options.Reconnect;
        var reason = loss.Describe();
        var last = loss.Error ?? new AgentConnectionException(reason, loss.CloseStatus);
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            var delay = attempt == 1 && decision == ReconnectDecision.ReconnectNow
                ? Backoff.Immediate(options, _options.Random)
                : Backoff.Delay(options, attempt, _options.Random);
            var status = new ReconnectStatus(attempt, options.MaxAttempts, _time.GetUtcNow() + delay, reason);
            try
            {
                await WaitForAttemptAsync(status, session).ConfigureAwait(false);
                Publish(status with { NextAttemptAt = null });
                var connection = await OpenAsync(CancellationToken.None, session).ConfigureAwait(false);
                if (Activate(connection, AgentConnectionState.Reconnecting))
                {
                    return connection;
                }

                connection.Dispose();
                break; // closed while the handshake went on
            }
            catch (Exception) when (session.IsCancellationRequested)
            {
                break;
            }
            catch (AgentConnectionException ex) when (ex.CloseStatus is { } code && CloseCodePolicy.Decide(code) is ReconnectDecision.Fail or ReconnectDecision.Stop)
            {
                Finish(AgentConnectionState.Failed, ex, ex); // the server refused us in a way retrying cannot change
                return null;
            }
            catch (Exception ex)
            {
                (last, reason) = (ex, $"attempt {attempt} failed: {ex.Message}");
            }
        }

        if (session.IsCancellationRequested || _closeRequested || _state.State == AgentConnectionState.Closed)
        {
            Finish(AgentConnectionState.Closed, null, new AgentConnectionException("The client was closed while reconnecting.", inner: last));
            return null;
        }

        var gaveUp = new AgentConnectionException(
            $"Gave up reconnecting after {options.MaxAttempts} attempts; the last: {last.Message}", CloseStatus, last);
        Finish(AgentConnectionState.Failed, gaveUp, gaveUp);
        return null;
    }

    /// <summary>Announces the attempt, then waits for its time, or for <see cref="RetryNowAsync"/>.</summary>
    private async Task WaitForAttemptAsync(ReconnectStatus status, CancellationToken session)
    {
        var retryNow = NewSignal();
        Volatile.Write(ref _retryNow, retryNow);

        // The timer exists before anyone hears of it, so a test clock advanced from the event still fires it.
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(session);
        var timer = _time.WaitUntilAsync(status.NextAttemptAt!.Value, wake.Token);
        Publish(status);
        await Task.WhenAny(timer, retryNow.Task).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        session.ThrowIfCancellationRequested();
    }

    /// <summary>Makes a welcomed connection the current one and announces it; false when the client was closed meanwhile.</summary>
    private bool Activate(LiveConnection connection, AgentConnectionState from)
    {
        _connection = connection;
        _router.Reopen();
        Reconnect = null;
        if (!_state.TryTransition(from, AgentConnectionState.Connected))
        {
            return false;
        }

        RefreshState(); // straight on to Active when answers are waiting to resume
        return true;
    }

    /// <summary>The end of the client's session: answers in progress end with <paramref name="ended"/>, then the state says so.</summary>
    private void Finish(AgentConnectionState final, Exception? failure, Exception ended)
    {
        Failure = failure;
        Reconnect = null;
        _router.CompleteAll(ended);
        _requests.FailAll(ended);

        // Last, so that whoever reacts to the new state sees the close status and can connect again at once.
        _state.TryTransition(final);
    }

    private void Publish(ReconnectStatus status)
    {
        Reconnect = status;
        ReconnectChanged?.Invoke(status);
    }
}
