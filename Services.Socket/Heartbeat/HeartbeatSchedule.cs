namespace AspireAgent.Socket.Heartbeat;

/// <summary>
/// When to ping and when to give up on a peer, as a pure function of what the connection saw: the
/// heartbeat loop asks it what to do next and sleeps until then. No clock of its own, so it is tested
/// by feeding it instants.
/// </summary>
public sealed class HeartbeatSchedule(HeartbeatStrategy strategy, HeartbeatOptions options, DateTimeOffset start)
{
    private DateTimeOffset? _pingSentAt;
    private DateTimeOffset _lastPingAt = start; // the handshake counts as the first beat
    private DateTimeOffset? _graceUntil;

    public HeartbeatStrategy Strategy => strategy;

    /// <summary>The adaptive strategy's current interval; the configured one for the others.</summary>
    public TimeSpan CurrentInterval { get; private set; } = options.Interval;

    /// <summary>A ping is out and nothing has been received since.</summary>
    public bool AwaitingPong => _pingSentAt is not null;

    /// <summary>
    /// Decides at <paramref name="now"/>: send a ping, close the peer, or wait until <see cref="HeartbeatStep.At"/>.
    /// </summary>
    /// <param name="lastReceived">When any frame last arrived from the peer.</param>
    /// <param name="lastMessage">When an application message (not a heartbeat) last went either way.</param>
    public HeartbeatStep Next(DateTimeOffset now, DateTimeOffset lastReceived, DateTimeOffset lastMessage)
    {
        if (_pingSentAt is { } sent)
        {
            if (lastReceived >= sent)
            {
                _pingSentAt = null; // the peer answered (a pong, or anything else: both prove it alive)
                _graceUntil = null;
                Adapt(lastMessage >= sent);
            }
            else
            {
                return AtDeadline(now, sent + options.PongTimeout);
            }
        }

        if (strategy == HeartbeatStrategy.Application)
        {
            var deadline = lastReceived + options.Interval + options.PongTimeout;
            if (now < deadline)
            {
                _graceUntil = null; // the peer spoke since the last grace: a new silence starts
            }

            return AtDeadline(now, deadline);
        }

        if (strategy == HeartbeatStrategy.Adaptive && lastMessage > _lastPingAt)
        {
            CurrentInterval = options.Interval;
        }

        var due = strategy == HeartbeatStrategy.OnDemand
            ? lastReceived + CurrentInterval
            : _lastPingAt + CurrentInterval;
        if (now < due)
        {
            return HeartbeatStep.WaitUntil(due);
        }

        _pingSentAt = now;
        _lastPingAt = now;
        _graceUntil = null;

        // Look again at the pong deadline, or at the next beat if that comes first (an interval shorter than
        // the pong timeout): an answered ping must not delay the next one until the deadline.
        return HeartbeatStep.Ping(now + (CurrentInterval < options.PongTimeout ? CurrentInterval : options.PongTimeout));
    }

    // A check that runs well after the instant it was scheduled for means this process stalled (GC pause, CPU
    // starvation, a burst of accepts), not that the peer went silent: its pong may be sitting unread in the
    // socket buffer. Such a check grants StallGrace for the receive loops to catch up instead of closing;
    // only a check that ran on time closes the peer. While the process stays stalled no peer is closed by
    // heartbeat (a dead TCP peer still ends its connection through the transport).
    private HeartbeatStep AtDeadline(DateTimeOffset now, DateTimeOffset deadline)
    {
        var expected = _graceUntil ?? deadline;
        if (now < expected)
        {
            return HeartbeatStep.WaitUntil(expected);
        }

        if (now - expected > options.StallTolerance)
        {
            _graceUntil = now + options.StallGrace;
            return HeartbeatStep.WaitUntil(_graceUntil.Value);
        }

        return HeartbeatStep.Timeout(deadline);
    }

    // An idle heartbeat cycle stretches the adaptive interval; any application message snaps it back.
    private void Adapt(bool hadTraffic)
    {
        if (strategy != HeartbeatStrategy.Adaptive)
        {
            return;
        }

        CurrentInterval = hadTraffic
            ? options.Interval
            : TimeSpan.FromTicks(Math.Min(options.MaxInterval.Ticks, (long)(CurrentInterval.Ticks * options.AdaptiveGrowth)));
    }
}

public enum HeartbeatAction
{
    Wait,
    Ping,
    Timeout,
}

/// <summary>What to do now, and the instant to look again.</summary>
public readonly record struct HeartbeatStep(HeartbeatAction Action, DateTimeOffset At)
{
    public static HeartbeatStep WaitUntil(DateTimeOffset at) => new(HeartbeatAction.Wait, at);

    public static HeartbeatStep Ping(DateTimeOffset deadline) => new(HeartbeatAction.Ping, deadline);

    public static HeartbeatStep Timeout(DateTimeOffset at) => new(HeartbeatAction.Timeout, at);
}
