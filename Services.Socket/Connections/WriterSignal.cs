using System.Threading.Tasks.Sources;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// The writer loop's wake-up: a reusable, single-waiter signal. Setting it while nobody waits leaves it set,
/// so the next wait returns at once; many sets before a wait make one wake, after which the writer drains
/// everything queued. Unlike a semaphore, a wait allocates nothing and registers no cancellation: the writer
/// is woken for good by the outbox completing, which every way of ending a connection does.
/// </summary>
internal sealed class WriterSignal : IValueTaskSource
{
    private const int Idle = 0;
    private const int Signaled = 1;
    private const int Waiting = 2;

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <param name="runWriter">
    /// Whether a waiting writer may run on the caller's thread until its next wait. A relay passes true: it has
    /// nothing else to do until the frame is out, and a thread-pool wake per chunk cost more CPU than the write
    /// itself. Timers and the read loop pass false: the shared timer must not write a thousand sockets in turn on
    /// its own thread, and a read must not wait on a write.
    /// </param>
    public void Set(bool runWriter = false)
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Signaled:
                    return;
                case Idle when Interlocked.CompareExchange(ref _state, Signaled, Idle) == Idle:
                    return;
                case Waiting when Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting:
                    // Only the setter that won the exchange completes this wait, so the flag is its own to choose.
                    _core.RunContinuationsAsynchronously = !runWriter;
                    _core.SetResult(true);
                    return;
            }
        }
    }

    /// <summary>Completes once the signal is set; one waiter at a time.</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled)
        {
            return default;
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle)
        {
            return new ValueTask(this, _core.Version);
        }

        // Set between the two exchanges: only Set moves Idle to Signaled, so consume it here.
        Volatile.Write(ref _state, Idle);
        return default;
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
