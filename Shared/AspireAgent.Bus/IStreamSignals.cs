namespace AspireAgent.Bus;

/// <summary>
/// What flows back against a stream: acknowledgements (flow control) and interrupts. Gateways send them;
/// the worker producing the stream obeys them — it stops pulling tokens from the model while the client
/// is a window behind, and cancels the model call on interrupt.
/// </summary>
public interface IStreamSignals
{
    /// <summary>The client has rendered every chunk up to and including <paramref name="seq"/>.</summary>
    ValueTask AcknowledgeAsync(string streamId, long seq, CancellationToken cancellationToken);

    /// <summary>Asks the producer of the stream to stop; it ends the stream with finish reason <c>interrupted</c>.</summary>
    ValueTask InterruptAsync(string streamId, CancellationToken cancellationToken);

    /// <summary>Starts watching a stream on behalf of its producer, for the producer's lifetime.</summary>
    ValueTask<IStreamWatch> WatchAsync(string streamId, CancellationToken cancellationToken);
}

/// <summary>The producer's view of the signals of one stream.</summary>
public interface IStreamWatch : IAsyncDisposable
{
    /// <summary>Cancelled once the stream is interrupted (also when the interrupt came before the watch).</summary>
    CancellationToken Interrupted { get; }

    /// <summary>The highest acknowledged seq; -1 before any.</summary>
    long Acknowledged { get; }

    /// <summary>
    /// Completes once chunk <paramref name="seq"/> may be produced, that is when fewer than
    /// <paramref name="window"/> chunks would then be unacknowledged. Completes at once when there is credit.
    /// </summary>
    ValueTask WaitForCreditAsync(long seq, int window, CancellationToken cancellationToken);
}
