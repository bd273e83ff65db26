namespace AspireAgent.Protocol.Client;

/// <summary>
/// The one place that knows which <see cref="AgentConnectionState"/> may follow which, and which open state
/// the facts of a live connection call for. Connecting, the receive loop, the heartbeat, the router, closing
/// and reconnecting all move the state through here, so a late event from an old connection cannot drag a
/// newer one back into a stale state.
/// </summary>
/// <remarks>
/// <code>
/// Disconnected ─► Connecting ─► Connected ◄─► Active ◄─► Idle      (the open states; HeartbeatCheck
///                     │             │  └──────────┴───────┴──►      may be entered from and left to any)
///                     ▼             ├─► Abnormal ─► Reconnecting ─► Connected
///                   Failed ◄────────┴───────────────────┘  (retry limit, or a close code that forbids retrying)
///                     └─► Connecting (manual retry)          Closed: from anywhere, on purpose
/// </code>
/// </remarks>
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
        _ when from == to => false,
        (AgentConnectionState.Disconnected, AgentConnectionState.Connecting) => true,
        (AgentConnectionState.Connecting, AgentConnectionState.Connected) => true,
        (AgentConnectionState.Connecting, AgentConnectionState.Failed) => true,

        // Open states move among themselves as answers start and end and heartbeats go out and come back;
        // Connected (nothing streamed yet) is only ever returned to from a heartbeat check.
        _ when from.IsOpen() && to.IsOpen() => to != AgentConnectionState.Connected || from == AgentConnectionState.HeartbeatCheck,
        _ when from.IsOpen() && to is AgentConnectionState.Abnormal or AgentConnectionState.Reconnecting
            or AgentConnectionState.Failed => true,
        (AgentConnectionState.Abnormal, AgentConnectionState.Reconnecting) => true,
        (AgentConnectionState.Abnormal, AgentConnectionState.Failed) => true,
        (AgentConnectionState.Reconnecting, AgentConnectionState.Connected) => true,
        (AgentConnectionState.Reconnecting, AgentConnectionState.Failed) => true,
        (AgentConnectionState.Failed, AgentConnectionState.Connecting) => true,
        (AgentConnectionState.Closed, AgentConnectionState.Connecting) => true,

        // Closing (or disposing) is allowed from anywhere except where it already is.
        (_, AgentConnectionState.Closed) => true,
        _ => false,
    };

    /// <summary>The open state that the facts of a live connection call for.</summary>
    public static AgentConnectionState OpenStateFor(OpenFacts facts) => facts switch
    {
        { AwaitingPong: true } => AgentConnectionState.HeartbeatCheck,
        { AnswersInProgress: > 0 } => AgentConnectionState.Active,
        { HadAnswer: true } => AgentConnectionState.Idle,
        _ => AgentConnectionState.Connected,
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

    /// <summary>
    /// While open, moves to the open state the current facts call for. The facts are read under the lock, so
    /// two refreshes racing each other cannot leave the state describing the older facts.
    /// </summary>
    public bool Refresh(Func<OpenFacts> facts)
    {
        AgentConnectionState to;
        lock (_gate)
        {
            if (!_state.IsOpen())
            {
                return false;
            }

            to = OpenStateFor(facts());
            if (to == _state || !IsAllowed(_state, to))
            {
                return false;
            }

            _state = to;
        }

        Changed?.Invoke(to);
        return true;
    }
}

/// <summary>What decides the open state of a live connection.</summary>
/// <param name="AnswersInProgress">Answers awaited on this client (sent or about to be, not yet ended).</param>
/// <param name="HadAnswer">Whether an answer was awaited since this connection opened.</param>
/// <param name="AwaitingPong">A heartbeat ping is out and nothing has been received since.</param>
internal readonly record struct OpenFacts(int AnswersInProgress, bool HadAnswer, bool AwaitingPong);
