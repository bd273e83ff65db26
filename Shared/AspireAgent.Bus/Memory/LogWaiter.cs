using System.Threading.Tasks.Sources;

namespace AspireAgent.Bus.Memory;

/// <summary>
/// One reader's wait for its <see cref="StreamLog"/> to change, reused for every wait of that reader: the reader's
/// cancellation is registered once, not once per wait, and an append wakes the readers it finds waiting without
/// allocating a signal for the next append. A relay waits once per chunk, so both were costs per chunk.
/// </summary>
/// <remarks>
/// States: idle, armed (a wait outstanding), cancelled (final). An append and the reader's cancellation race
/// to complete an armed wait; whichever moves the state first completes it, exactly once per wait. Armed only by
/// the log under its lock, after it found nothing new to read, so an append cannot slip between the check and
/// the wait.
/// </remarks>
internal sealed class LogWaiter : IValueTaskSource, IDisposable
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int Cancelled = 2;

    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;

    // Continuations run on the appender's thread (or the cancelling one): a reader only copies the new events and
    // hands them on, and a thread-pool hop per append cost more than that work.
    private ManualResetValueTaskSourceCore<bool> _core;
    private int _state;

    public LogWaiter(CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _registration = cancellationToken.UnsafeRegister(static waiter => ((LogWaiter)waiter!).Cancel(), this);
    }

    /// <summary>Starts a wait; called by the log under its lock. A cancelled reader's wait completes at once.</summary>
    public ValueTask Arm()
    {
        if (Volatile.Read(ref _state) == Cancelled)
        {
            return ValueTask.FromCanceled(_cancellationToken);
        }

        _core.Reset();
        return Interlocked.CompareExchange(ref _state, Armed, Idle) == Idle
            ? new ValueTask(this, _core.Version)
            : ValueTask.FromCanceled(_cancellationToken);
    }

    /// <summary>Completes the wait if one is outstanding; a waiter that is idle or cancelled ignores it.</summary>
    public void Signal()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Armed) == Armed)
        {
            _core.SetResult(true);
        }
    }

    public void Dispose() => _registration.Dispose();

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Cancel()
    {
        if (Interlocked.Exchange(ref _state, Cancelled) == Armed)
        {
            _core.SetException(new OperationCanceledException(_cancellationToken));
        }
    }
}
