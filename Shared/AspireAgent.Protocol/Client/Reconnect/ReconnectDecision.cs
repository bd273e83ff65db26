namespace AspireAgent.Protocol.Client;

/// <summary>What a lost connection calls for.</summary>
public enum ReconnectDecision
{
    /// <summary>Ended by agreement (1000, or this client closed): state Closed, no reconnect.</summary>
    Stop,

    /// <summary>Retrying unchanged cannot succeed (a protocol or policy error): state Failed, no reconnect.</summary>
    Fail,

    /// <summary>The server is going away but others are fine: attempt 1 at once (with a small jitter), then backoff.</summary>
    ReconnectNow,

    /// <summary>Something went wrong that time may fix: reconnect on the backoff schedule.</summary>
    ReconnectWithBackoff,
}
