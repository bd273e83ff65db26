using System.Globalization;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Stream signals across processes: the gateway node relaying a stream and the worker producing it are
/// usually not the same process, so acknowledgements and interrupts go through Redis to the producer's watch.
/// </summary>
internal sealed class RedisStreamSignals(RedisConnection redis, AcknowledgementPublisher acknowledgements) : IStreamSignals
{
    // Queued, not sent: the publisher coalesces them per stream, and the gateway's relay should not wait a Redis
    // round trip per chunk. Acknowledgements only ever move forward, so a lost one is made good by the next.
    public ValueTask AcknowledgeAsync(string streamId, long seq, CancellationToken cancellationToken) =>
        acknowledgements.QueueAsync(streamId, seq, cancellationToken);

    public async ValueTask InterruptAsync(string streamId, CancellationToken cancellationToken) =>
        await SignalScripts.Interrupt.EvaluateAsync(redis.Database, [redis.Keys.StreamMeta(streamId)], [redis.Keys.StreamSignals(streamId).ToString(), redis.Keys.StreamPublish])
            .WaitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<IStreamWatch> WatchAsync(string streamId, CancellationToken cancellationToken)
    {
        var watch = new RedisStreamWatch(redis, streamId);
        try
        {
            await watch.StartAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return watch;
        }
        catch
        {
            await watch.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static bool TryParseAck(string signal, out long seq) =>
        long.TryParse(signal.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
}
