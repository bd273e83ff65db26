using System.Net.WebSockets;

namespace AspireAgent.Protocol.Client;

/// <summary>What keeps a connection useful beyond reading it: resuming answers, the heartbeat, acknowledgements.</summary>
public sealed partial class AgentClient
{
    /// <summary>
    /// Asks the new connection to follow every answer in progress from the chunk after the last one the reader
    /// has (from the start when none arrived), then re-sends the acknowledgements, which count only once the
    /// stream is followed again.
    /// </summary>
    private async Task ResumeAsync(LiveConnection connection)
    {
        try
        {
            foreach (var answer in _router.ResumePoints())
            {
                var resume = StreamControl(ControlActions.Resume, answer.StreamId!, answer.LastSeq >= 0 ? answer.LastSeq : null);
                await SendFrameAsync(connection.Socket, resume, connection.Stopping, _shutdown.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsConnectionEnding(ex))
        {
            return; // lost again already: the receive loop reports it, and the next connection resumes
        }

        _acks?.Restart();
    }

    /// <summary>Pings and watches the server as the welcome's heartbeat asks; aborts the connection when it goes silent.</summary>
    private async Task HeartbeatLoopAsync(LiveConnection connection)
    {
        var monitor = connection.Heartbeat;
        if (monitor.Kind == HeartbeatMonitor.Mode.None)
        {
            return;
        }

        try
        {
            while (true)
            {
                var step = monitor.Next(_time.GetUtcNow(), connection.LastReceived);
                if (step.Action == HeartbeatAction.Timeout)
                {
                    connection.Fail(new ConnectionLoss(LossKind.HeartbeatTimeout, null, null, new TimeoutException(
                        $"Nothing from the server within {HeartbeatInterval} + {_options.HeartbeatTimeout}.")));
                    return;
                }

                if (step.Action == HeartbeatAction.Ping)
                {
                    await SendFrameAsync(connection.Socket, Control(ControlActions.Ping), connection.Stopping, _shutdown.Token).ConfigureAwait(false);
                    RefreshState(); // heartbeat check until anything comes back
                }

                await _time.WaitUntilAsync(step.At, connection.Stopping).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsConnectionEnding(ex))
        {
            // The connection ended; the receive loop reports how.
        }
    }

    private async Task AcknowledgeLoopAsync(LiveConnection connection)
    {
        if (_acks is null)
        {
            return;
        }

        try
        {
            await _acks.RunAsync(
                (streamId, seq) => SendFrameAsync(connection.Socket, StreamControl(ControlActions.Ack, streamId, seq), connection.Stopping, _shutdown.Token),
                connection.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionEnding(ex))
        {
            // Acks lost with the connection are sent again after the resume on the next one.
        }
    }

    private static bool IsConnectionEnding(Exception ex) =>
        ex is OperationCanceledException or WebSocketException or InvalidOperationException or ObjectDisposedException;
}
