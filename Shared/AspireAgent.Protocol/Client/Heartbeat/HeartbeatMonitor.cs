namespace AspireAgent.Protocol.Client;

/// <summary>
/// The client's side of the heartbeat the welcome announced, as a pure function of what the connection saw:
/// the heartbeat loop asks it what to do next and sleeps until then. No clock of its own, so it is tested by
/// feeding it instants.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>application</c>: the client pings every interval; the server answers with a pong. A ping that gets
/// no frame at all back within the timeout means the connection is dead, so the peer is never silent longer
/// than interval + timeout before the client notices.</item>
/// <item><c>fixed</c>: the server pings every interval, so silence for interval + timeout means the same.</item>
/// <item><c>adaptive</c>, <c>on-demand</c>, or no heartbeat in the welcome: the server's interval varies or is
/// unknown; the client only answers pings and relies on the server (and TCP) to detect a dead peer.</item>
/// </list>
/// </remarks>
internal sealed class HeartbeatMonitor(HeartbeatMonitor.Mode mode, TimeSpan interval, TimeSpan timeout, DateTimeOffset start)
{
    private DateTimeOffset _lastPingAt = start; // the handshake counts as the first beat

    // UTC ticks, 0 for none: written by the heartbeat loop, read by the receive loop, so it must not tear.
    private long _pingSentTicks;

    public enum Mode
    {
        /// <summary>Only answer the server's pings.</summary>
        None,

        /// <summary>The server pings at a fixed interval; watch for silence.</summary>
        Watch,

        /// <summary>Ping every interval and watch for the answers.</summary>
        Ping,
    }

    public Mode Kind => mode;

    /// <summary>When the ping now out was sent; null when none is.</summary>
    public DateTimeOffset? PingSentAt
    {
        get => Volatile.Read(ref _pingSentTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        private set => Volatile.Write(ref _pingSentTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>Chooses the mode from the welcome's <c>heartbeat</c> and <c>heartbeatIntervalMs</c>.</summary>
    public static HeartbeatMonitor For(string? strategy, TimeSpan? interval, TimeSpan timeout, DateTimeOffset start)
    {
        var mode = interval is not { } known || known <= TimeSpan.Zero ? Mode.None
            : strategy switch
            {
                HeartbeatHints.Application => Mode.Ping,
                HeartbeatHints.Fixed => Mode.Watch,
                _ => Mode.None,
            };
        return new HeartbeatMonitor(mode, interval ?? TimeSpan.Zero, timeout, start);
    }

    /// <summary>Whether a ping is out and nothing arrived since it left (the design's "heartbeat check").</summary>
    public bool AwaitingPong(DateTimeOffset lastReceived) => PingSentAt is { } sent && lastReceived < sent;

    /// <summary>Decides at <paramref name="now"/>: send a ping, give up on the connection, or wait until <see cref="HeartbeatStep.At"/>.</summary>
    /// <param name="lastReceived">When any frame last arrived from the server.</param>
    public HeartbeatStep Next(DateTimeOffset now, DateTimeOffset lastReceived)
    {
        if (mode == Mode.None)
        {
            return HeartbeatStep.WaitUntil(DateTimeOffset.MaxValue);
        }

        if (PingSentAt is { } sent)
        {
            if (lastReceived < sent)
            {
                var deadline = sent + timeout;
                return now >= deadline ? HeartbeatStep.Timeout(deadline) : HeartbeatStep.WaitUntil(deadline);
            }

            PingSentAt = null; // answered: a pong, or anything else, proves the server alive
        }

        if (mode == Mode.Watch)
        {
            var deadline = lastReceived + interval + timeout;
            return now >= deadline ? HeartbeatStep.Timeout(deadline) : HeartbeatStep.WaitUntil(deadline);
        }

        var due = _lastPingAt + interval;
        if (now < due)
        {
            return HeartbeatStep.WaitUntil(due);
        }

        PingSentAt = now;
        _lastPingAt = now;
        return HeartbeatStep.Ping(now + timeout);
    }
}

internal enum HeartbeatAction
{
    Wait,
    Ping,
    Timeout,
}

/// <summary>What to do now, and the instant to look again.</summary>
internal readonly record struct HeartbeatStep(HeartbeatAction Action, DateTimeOffset At)
{
    public static HeartbeatStep WaitUntil(DateTimeOffset at) => new(HeartbeatAction.Wait, at);

    public static HeartbeatStep Ping(DateTimeOffset deadline) => new(HeartbeatAction.Ping, deadline);

    public static HeartbeatStep Timeout(DateTimeOffset at) => new(HeartbeatAction.Timeout, at);
}
