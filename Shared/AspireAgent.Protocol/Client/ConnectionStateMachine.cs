namespace AspireAgent.Protocol.Client;

/// <summary>
/// The one place that knows which <see cref="AgentConnectionState"/> may follow which. Connecting, the receive
/// loop, closing and (later) reconnecting all move the state through here, so a late event from an old
/// connection cannot drag a newer one back into a stale state.
/// </summary>
internal sealed class ConnectionStateMachine
{
    private readonly Lock _gate = new();
    private AgentConnectionState _state = AgentConnectionState.Disconnected;

    public AgentConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Raised after every transition, outside the lock, on the thread that made it.</summary>
    public event Action<AgentConnectionState>? Changed;

    public static bool IsAllowed(AgentConnectionState from, AgentConnectionState to) => (from, to) switch
    {
        (AgentConnectionState.Disconnected, AgentConnectionState.Connecting) => true,
        (AgentConnectionState.Connecting, AgentConnectionState.Connected) => true,
        (AgentConnectionState.Connecting, AgentConnectionState.Failed) => true,
        (AgentConnectionState.Connected, AgentConnectionState.Reconnecting) => true,
        (AgentConnectionState.Connected, AgentConnectionState.Failed) => true,
        (AgentConnectionState.Reconnecting, AgentConnectionState.Connected) => true,
        (AgentConnectionState.Reconnecting, AgentConnectionState.Failed) => true,
        (AgentConnectionState.Failed, AgentConnectionState.Connecting) => true,
        (AgentConnectionState.Closed, AgentConnectionState.Connecting) => true,

        // Closing (or disposing) is allowed from anywhere except where it already is.
        (not AgentConnectionState.Closed, AgentConnectionState.Closed) => true,
        _ => false,
    };

    /// <summary>Moves to <paramref name="to"/> when <paramref name="from"/> is the current state and the move is allowed.</summary>
    public bool TryTransition(AgentConnectionState from, AgentConnectionState to)
    {
        lock (_gate)
        {
            if (_state != from || !IsAllowed(from, to))
            {
                return false;
            }

            _state = to;
        }

        Changed?.Invoke(to);
        return true;
    }

    /// <summary>Moves to <paramref name="to"/> from whatever the current state is, when the move is allowed.</summary>
    public bool TryTransition(AgentConnectionState to)
    {
        lock (_gate)
        {
            if (!IsAllowed(_state, to))
            {
                return false;
            }

            _state = to;
        }

        Changed?.Invoke(to);
        return true;
    }
}
