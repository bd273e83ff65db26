using System.Runtime.CompilerServices;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using AspireAgent.Bus.Diagnostics;
using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Memory;

/// <summary>
/// A bounded channel shared by the gateway and the workers of one process. Completing a lease is a no-op:
/// in one process a worker cannot die without its gateway, so there is nothing to re-claim.
/// </summary>
internal sealed class MemoryRequestQueue : IRequestQueue
{
    private readonly IOptions<BusOptions> _options;
    private readonly Channel<ChatRequest> _requests;

    public MemoryRequestQueue(IOptions<BusOptions> options, IMeterFactory meters)
    {
        _options = options;
        _requests = Channel.CreateBounded<ChatRequest>(new BoundedChannelOptions(options.Value.RequestQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = false,
        });
        BusMetrics.ObserveBacklog(meters, () => _requests.Reader.Count);
    }

    public ValueTask SubmitAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _requests.Writer.TryWrite(request)
            ? ValueTask.CompletedTask
            : throw new BusOverloadedException(
                $"The request queue is full ({_options.Value.RequestQueueCapacity} waiting); try again shortly.");
    }

    public async IAsyncEnumerable<RequestLease> ReadAsync(
        string consumer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // ReadAsync, not ReadAllAsync: a blocked ReadAsync is handed its request by the writer, one reader per
        // request, where every WaitToReadAsync is woken by each request and all but one go back to waiting.
        // With a worker's idle consumers all waiting, that herd of wake-ups queued the one that won behind the
        // others on the thread pool: tens of milliseconds before an answer started.
        while (true)
        {
            ChatRequest request;
            try
            {
                request = await _requests.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                yield break;
            }

            yield return new Lease(request);
        }
    }

    private sealed class Lease(ChatRequest request) : RequestLease
    {
        public override ChatRequest Request => request;

        public override ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
