using AspireAgent.Protocol;
using AspireAgent.Socket.Connections;

namespace AspireAgent.Socket.Heartbeat;

/// <summary>
/// The heartbeat loop of one connection: asks its <see cref="HeartbeatSchedule"/> what is next, sleeps on
/// the injected clock until then, sends a critical-lane ping or closes a silent peer with 4001.
/// </summary>
internal sealed class ConnectionHeartbeat(ClientConnection connection, HeartbeatSchedule schedule, TimeProvider time)
{
    public HeartbeatSchedule Schedule => schedule;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var step = schedule.Next(now, connection.LastReceived, connection.LastMessage);
                switch (step.Action)
                {
                    case HeartbeatAction.Ping:
                        connection.SendCritical(new ControlMessage
                        {
                            Id = MessageIds.New(),
                            Timestamp = now.ToUnixTimeMilliseconds(),
                            Action = ControlActions.Ping,
                        });
                        break;
                    case HeartbeatAction.Timeout:
                        connection.RequestClose(CloseCodes.HeartbeatTimeout, "heartbeat timeout");
                        return;
                }

                var delay = step.At - now;
                await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(1), time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
