using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Sends this process's acknowledgements to Redis, coalesced: whatever queued while the previous batch was on
/// the wire goes as one pipelined batch, with only the highest seq of each stream. A relay in step with its
/// client then costs about one acknowledgement per Redis round trip rather than one per chunk, and the
/// producer still reads every acknowledged seq it needs: acknowledgements are cumulative, so the highest one
/// says everything the lower ones would have.
/// </summary>
/// <remarks>
/// The queue is bounded: when Redis falls behind, the gateway's relay waits to queue, as it waited for the
/// round trip before. A batch lost with the connection is not retried; the next acknowledgement of each
/// stream makes it good, as a lost fire-and-forget one was.
/// </remarks>
internal sealed partial class AcknowledgementPublisher(RedisConnection redis, ILogger<AcknowledgementPublisher> logger)
    : BackgroundService
{
    // Enough for a burst of every relay of a busy node; past it the relays wait, which is the backpressure.
    private const int QueueCapacity = 4096;

    // Streams per batch: one pipelined write of this many script calls stays well under a millisecond.
    private const int MaxBatch = 512;

    private readonly Channel<(string StreamId, long Seq)> _queue = Channel.CreateBounded<(string, long)>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues an acknowledgement; completes once it is queued, not once Redis has it.</summary>
    public ValueTask QueueAsync(string streamId, long seq, CancellationToken cancellationToken) =>
        _queue.Writer.TryWrite((streamId, seq)) ? ValueTask.CompletedTask : WaitToQueueAsync(streamId, seq, cancellationToken);

    private async ValueTask WaitToQueueAsync(string streamId, long seq, CancellationToken cancellationToken)
    {
        while (await _queue.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_queue.Writer.TryWrite((streamId, seq)))
            {
                return;
            }
        }

        // The publisher has stopped: so is the process, and the relay that acknowledges; the ack is moot.
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendQueuedAsync(pending).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // What the relays queued before the host stopped still reaches the producers.
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryPeek(out _))
        {
            await SendQueuedAsync(pending).ConfigureAwait(false);
        }
    }

    private async Task SendQueuedAsync(Dictionary<string, long> pending)
    {
        pending.Clear();
        while (pending.Count < MaxBatch && _queue.Reader.TryRead(out var ack))
        {
            if (!pending.TryGetValue(ack.StreamId, out var highest) || ack.Seq > highest)
            {
                pending[ack.StreamId] = ack.Seq;
            }
        }

        // Issued without waiting for each other, the calls share one write and one round trip (per shard on a cluster).
        var sends = new Task[pending.Count];
        var i = 0;
        foreach (var (streamId, seq) in pending)
        {
            sends[i++] = SignalScripts.Acknowledge.EvaluateAsync(redis.Database, [redis.Keys.StreamMeta(streamId)],
                [seq, redis.Keys.StreamSignals(streamId).ToString(), redis.Keys.StreamPublish]);
        }

        try
        {
            await Task.WhenAll(sends).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Any failure, not only RedisException (a socket dying mid-write surfaces as InvalidOperationException):
            // an exception escaping here would stop every acknowledgement of this process.
            LogSendFailed(pending.Count, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not send {Count} acknowledgements; the next ones of each stream make them good: {Reason}")]
    private partial void LogSendFailed(int count, string reason);
}
