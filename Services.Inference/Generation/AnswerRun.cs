namespace AspireAgent.Inference.Generation;

/// <summary>
/// The model call of one answer and what may stop it: the answer's deadline, the worker's shutdown, or the
/// generator itself. Everything that cancels a model call goes through <see cref="Stop"/>, so that the end
/// of the stream can say why (an interrupt from the client is one more cause).
/// </summary>
internal sealed class AnswerRun : IDisposable
{
    private readonly CancellationTokenSource _model = new();
    private readonly CancellationTokenRegistration _shutdown;
    private readonly ITimer _deadline;
    private int _cause;

    private readonly CancellationTokenRegistration _interrupt;

    public AnswerRun(TimeSpan maxDuration, TimeProvider time, CancellationToken shutdown, CancellationToken interrupted)
    {
        _shutdown = shutdown.UnsafeRegister(static run => ((AnswerRun)run!).Stop(StopCause.Shutdown), this);
        _interrupt = interrupted.UnsafeRegister(static run => ((AnswerRun)run!).Stop(StopCause.Interrupted), this);
        _deadline = time.CreateTimer(
            static run => ((AnswerRun)run!).Stop(StopCause.Deadline), this, maxDuration, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancelled once the answer must stop, whatever the cause.</summary>
    public CancellationToken ModelToken => _model.Token;

    public StopCause Cause => (StopCause)Volatile.Read(ref _cause);

    public void Stop(StopCause cause)
    {
        if (Interlocked.CompareExchange(ref _cause, (int)cause, (int)StopCause.None) != (int)StopCause.None)
        {
            return;
        }

        try
        {
            _model.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The timer fired as the answer ended; there is nothing left to stop.
        }
    }

    public void Dispose()
    {
        _shutdown.Dispose();
        _interrupt.Dispose();
        _deadline.Dispose();
        _model.Dispose();
    }
}
