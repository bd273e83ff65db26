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
    // The shared timers round deadlines to a slot and run a slot's callbacks with one instant, so the connections
    // beating together can share one ping (the same immutable message, as a broadcast would): an idle connection's
    // beat then allocates no message and no id. Keyed by the instant, so a ping is never sent with a stale stamp.
    private static ControlMessage? s_ping;

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
                connection.SendCritical(PingAt(now));
                break;
            case HeartbeatAction.Timeout:
                connection.RequestClose(CloseCodes.HeartbeatTimeout, "heartbeat timeout");
                return;
        }

        timers.Schedule(this, step.At > now ? step.At : now + TimeSpan.FromMilliseconds(1));
    }

    private static ControlMessage PingAt(DateTimeOffset now)
    {
        var stamp = now.ToUnixTimeMilliseconds();
        if (Volatile.Read(ref s_ping) is { } ping && ping.Timestamp == stamp)
        {
            return ping;
        }

        ping = new ControlMessage { Id = MessageIds.New(), Timestamp = stamp, Action = ControlActions.Ping };
        Volatile.Write(ref s_ping, ping);
        return ping;
    }
}
