using AspireAgent.Protocol;
using AspireAgent.Socket.Connections;

namespace AspireAgent.Socket.Heartbeat;

/// <summary>
/// The heartbeat of one connection: asks its <see cref="HeartbeatSchedule"/> what is next, sends a
/// critical-lane ping or closes a silent peer with 4001, and books its next look on the node's shared
/// <see cref="ConnectionTimers"/> (no timer or loop of its own).
/// </summary>
internal sealed class ConnectionHeartbeat(ClientConnection connection, HeartbeatSchedule schedule, ConnectionTimers timers) : IDueCallback
{
    public HeartbeatSchedule Schedule => schedule;

    public void OnDue(DateTimeOffset now)
    {
        // Due after the connection ended (and was disposed): nothing to do, and the entry is dropped.
        if (connection.IsAborted)
        {
            return;
        }

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

        timers.Schedule(this, step.At > now ? step.At : now + TimeSpan.FromMilliseconds(1));
    }
}
