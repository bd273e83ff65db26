namespace AspireAgent.Protocol;

/// <summary>
/// Outbound lanes, highest first. A gateway drains a higher lane completely before it writes from a lower one.
/// </summary>
public enum MessagePriority
{
    /// <summary>Heartbeats, interrupts, errors and close: never wait behind anything.</summary>
    Critical = 0,

    /// <summary>User input and its acknowledgement.</summary>
    High = 1,

    /// <summary>The assistant's stream.</summary>
    Normal = 2,

    /// <summary>Status, presence, logs: coalesced or dropped first under pressure.</summary>
    Low = 3,
}
