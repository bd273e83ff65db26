namespace AspireAgent.Bus;

/// <summary>Gateways submit <see cref="ChatRequest"/>s; the worker pool takes each exactly once.</summary>
public interface IRequestQueue
{
    /// <exception cref="BusOverloadedException">The queue is full; the caller tells the client to retry.</exception>
    ValueTask SubmitAsync(ChatRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Leases requests for <paramref name="consumer"/> until cancelled. A lease is completed once its stream
    /// has ended; a lease never completed (its worker died) is handed to another consumer by durable buses.
    /// </summary>
    IAsyncEnumerable<RequestLease> ReadAsync(string consumer, CancellationToken cancellationToken);
}

/// <summary>A request taken by one consumer.</summary>
public abstract class RequestLease
{
    public abstract ChatRequest Request { get; }

    /// <summary>Marks the request done so that no other consumer will take it.</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken);
}

public sealed class BusOverloadedException(string message) : Exception(message);
