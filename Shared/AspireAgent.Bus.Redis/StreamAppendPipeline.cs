using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Sends this process's appends of chunks to Redis across streams: whatever queued while the previous call was on
/// the wire goes as one script call (<see cref="StreamScripts.Append"/>) — one per hash slot on a Redis Cluster,
/// whose scripts may not mix slots. A worker generating 250 answers then makes one round trip for the chunks of
/// all of them that are ready, not one per chunk: 0.17 script calls per chunk instead of 1.02 at 250 streams of 100
/// tokens a second (BENCHMARKS.md §2). Group commit, not a timer: an idle process sends a lone chunk at once, and the
/// batches only grow with the load, by as much as the round trip lets them.
/// </summary>
/// <remarks>
/// A stream's writer has one append in flight at a time (<c>AnswerStreamWriter</c>), so a stream has at most one
/// part in a call and its order is its writer's. Each stream's outcome is its own: a fenced or ended stream fails
/// alone. A failed call (Redis away, the connection lost) fails every part of it, each with an unknown outcome,
/// which each writer resolves by renewing its handle, as it did for its own call.
/// </remarks>
internal sealed class StreamAppendPipeline : BackgroundService
{
    // Enough for one part from every answer a busy worker generates; past it writers wait, which is the backpressure.
    private const int QueueCapacity = 4096;

    // Streams per call: Redis runs a script alone, so a call should stay well under a millisecond of its time.
    private const int MaxStreamsPerCall = 128;

    private readonly Channel<StreamAppend> _queue = Channel.CreateBounded<StreamAppend>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly RedisConnection _redis;
    private readonly IOptions<BusOptions> _busOptions;
    private readonly IOptions<RedisBusOptions> _options;
    private readonly TimeProvider _time;

    public StreamAppendPipeline(RedisConnection redis, IOptions<BusOptions> busOptions, IOptions<RedisBusOptions> options, TimeProvider time) =>
        (_redis, _busOptions, _options, _time) = (redis, busOptions, options, time);

    /// <summary>
    /// Queues <paramref name="append"/> for the next call (waiting while the queue is full); its task completes with
    /// the stream's outcome. Refused (<see cref="ChannelClosedException"/>) once the pipeline has stopped.
    /// </summary>
    public ValueTask QueueAsync(StreamAppend append, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(append, cancellationToken);

    /// <summary>Sends <paramref name="append"/> alone, in the caller's trace: for the events that open and close an answer.</summary>
    public Task SendAloneAsync(StreamAppend append) => StreamAppend.SendAsync(_redis.Database, [append], CommonArguments());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var taken = new List<StreamAppend>(MaxStreamsPerCall);
        var bySlot = new Dictionary<int, List<StreamAppend>>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendQueuedAsync(taken, bySlot).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Writers still running at shutdown get their last chunks written; later ones are refused.
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryPeek(out _))
        {
            await SendQueuedAsync(taken, bySlot).ConfigureAwait(false);
        }
    }

    private async Task SendQueuedAsync(List<StreamAppend> taken, Dictionary<int, List<StreamAppend>> bySlot)
    {
        taken.Clear();
        while (taken.Count < MaxStreamsPerCall && _queue.Reader.TryRead(out var append))
        {
            taken.Add(append);
        }

        var common = CommonArguments();
        if (!_redis.IsCluster)
        {
            await StreamAppend.SendAsync(_redis.Database, taken, common).ConfigureAwait(false);
            return;
        }

        bySlot.Clear();
        foreach (var append in taken)
        {
            var slot = append.Slot;
            if (!bySlot.TryGetValue(slot, out var group))
            {
                bySlot[slot] = group = [];
            }

            group.Add(append);
        }

        // Issued without waiting for each other: one write and one round trip per master.
        await Task.WhenAll(bySlot.Values.Select(group => StreamAppend.SendAsync(_redis.Database, group, common))).ConfigureAwait(false);
    }

    private RedisValue[] CommonArguments()
    {
        var bus = _busOptions.Value;
        return
        [
            (long)bus.StreamRetention.TotalMilliseconds,
            bus.MaxChunksPerStream,
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            (long)_options.Value.OpenStreamTimeToLive.TotalMilliseconds,
            bus.MaxBytesPerStream,
            _redis.Keys.StreamPublish,
            _redis.Keys.NodeLivePrefix,
            _redis.Keys.StreamLivePrefix,
            _redis.Keys.StreamLiveSuffix,
        ];
    }
}
