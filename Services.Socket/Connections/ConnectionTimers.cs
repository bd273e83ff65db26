using AspireAgent.Socket.Diagnostics;

namespace AspireAgent.Socket.Connections;

/// <summary>Something a connection wants done at an instant: its next heartbeat step, its next slow-consumer check.</summary>
internal interface IDueCallback
{
    /// <summary>Runs on the shared timer's thread; must not block. Reschedules itself if it wants to run again.</summary>
    void OnDue(DateTimeOffset now);
}

/// <summary>
/// One timer on the injected <see cref="TimeProvider"/> for the deadlines of every connection of this node:
/// a queue ordered by instant, and the timer armed for the earliest. An idle connection costs a queue entry
/// instead of its own timer, loop task and cancellation registration.
/// </summary>
/// <remarks>
/// Instants are rounded up to the <c>resolution</c> (<see cref="Options.GatewayOptions.TimerResolution"/>), as in
/// a timer wheel: connections opened at scattered instants would otherwise wake the timer and a pool thread once
/// per heartbeat each (a thousand wakes a second for 5,000 connections beating every 5 s), where rounding lets
/// one wake serve every deadline of its slot. No deadline runs early; none runs later than one resolution.
/// </remarks>
/// <remarks>
/// A callback that belongs to a connection that has ended simply does nothing when it comes due; its entry
/// is dropped then (at the latest one heartbeat interval after the close).
/// </remarks>
internal sealed class ConnectionTimers : IDisposable
{
    // Monitor (not System.Threading.Lock): a fake TimeProvider may fire the timer from Change on this thread.
    private readonly object _gate = new();
    private readonly PriorityQueue<IDueCallback, long> _due = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly long _resolution;
    private long _armedFor = long.MaxValue;

    // The list a slot's due callbacks are taken into, kept between fires: a slot of idle connections' heartbeats
    // every few milliseconds would otherwise allocate a list (and its growth) each time.
    private List<IDueCallback>? _spare;

    public ConnectionTimers(TimeProvider time, ILogger<ConnectionTimers> logger, TimeSpan resolution = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, TimeSpan.Zero);
        _time = time;
        _logger = logger;
        _resolution = Math.Max(1, resolution.Ticks);
        _timer = time.CreateTimer(static state => ((ConnectionTimers)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Deadlines waiting, all connections together.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _due.Count;
            }
        }
    }

    public void Schedule(IDueCallback callback, DateTimeOffset at)
    {
        var ticks = RoundUp(at.UtcTicks);
        lock (_gate)
        {
            _due.Enqueue(callback, ticks);
            if (ticks < _armedFor)
            {
                Arm(ticks);
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private long RoundUp(long ticks)
    {
        var remainder = ticks % _resolution;
        return remainder == 0 ? ticks : ticks - remainder + _resolution;
    }

    private void Arm(long ticks)
    {
        _armedFor = ticks;
        var delay = TimeSpan.FromTicks(Math.Max(0, ticks - _time.GetUtcNow().UtcTicks));
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        List<IDueCallback>? due = null;
        DateTimeOffset now;
        lock (_gate)
        {
            now = _time.GetUtcNow();
            _armedFor = long.MaxValue;
            while (_due.TryPeek(out var callback, out var at) && at <= now.UtcTicks)
            {
                _due.Dequeue();
                due ??= Interlocked.Exchange(ref _spare, null) ?? [];
                due.Add(callback);
            }

            if (_due.TryPeek(out _, out var next))
            {
                Arm(next);
            }
        }

        if (due is null)
        {
            return;
        }

        foreach (var callback in due)
        {
            try
            {
                callback.OnDue(now);
            }
            catch (Exception ex)
            {
                // One connection's failure must neither stop the others' deadlines nor crash the process.
                _logger.TimerCallbackFailed(ex);
            }
        }

        due.Clear();
        Volatile.Write(ref _spare, due);
    }
}
