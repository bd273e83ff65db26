namespace AspireAgent.Socket.Heartbeat;

/// <summary>The design's four heartbeat strategies. All of them use protocol <c>control ping/pong</c>, which browsers can see.</summary>
public enum HeartbeatStrategy
{
    /// <summary>Ping every <see cref="HeartbeatOptions.Interval"/>, whatever the traffic. Simple and reliable.</summary>
    Fixed,

    /// <summary>
    /// Start at <see cref="HeartbeatOptions.Interval"/> and grow towards <see cref="HeartbeatOptions.MaxInterval"/>
    /// while the connection stays idle; back to the start on traffic. Saves radio time on mobile.
    /// </summary>
    Adaptive,

    /// <summary>Ping only when nothing was received for an interval: busy connections cost nothing.</summary>
    OnDemand,

    /// <summary>The client pings; the server only closes a peer silent for an interval plus the pong timeout.</summary>
    Application,
}
