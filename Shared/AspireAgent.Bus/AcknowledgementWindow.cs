namespace AspireAgent.Bus;

/// <summary>
/// The producer's side of flow control for one stream, whichever bus carries the acknowledgements: the
/// highest acknowledged seq, and a wait that completes once a chunk is within the window ahead of it.
/// </summary>
public sealed class AcknowledgementWindow
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _acked = NewSignal();
    private long _acknowledged = -1;

    /// <summary>The highest acknowledged seq; -1 before any.</summary>
    public long Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Records an acknowledgement; late or repeated ones (several tabs, a resume) change nothing.</summary>
    public void Acknowledge(long seq)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (seq <= _acknowledged)
            {
                return;
            }

            Volatile.Write(ref _acknowledged, seq);
            signal = _acked;
            _acked = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Completes once chunk <paramref name="seq"/> leaves at most <paramref name="window"/> chunks unacknowledged.</summary>
    public async ValueTask WaitForCreditAsync(long seq, int window, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (seq - _acknowledged <= window)
                {
                    return;
                }

                changed = _acked.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
