using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Sends this process's acknowledgements to Redis, coalesced twice: per stream, only those worth a round trip go
/// (<see cref="AcknowledgementCoalescer"/>: every <see cref="RedisBusOptions.AcknowledgeEvery"/> chunks, or after
/// <see cref="RedisBusOptions.AcknowledgeAfter"/>), and whatever is due while the previous batch is on the wire
/// goes as one pipelined batch. A client acknowledging every 100 ms at 40 chunks a second then costs Redis one
/// acknowledgement per 10 chunks rather than one per 4, and the producer still learns every acknowledged seq it
/// needs: acknowledgements are cumulative, so the highest one says everything the lower ones would have.
/// </summary>
/// <remarks>
/// The queue is bounded: when Redis falls behind, the gateway's relay waits to queue, as it waited for the
/// round trip before. A batch lost with the connection is not retried; the next acknowledgement of each
/// stream makes it good, as a lost fire-and-forget one was.
/// </remarks>
internal sealed partial class AcknowledgementPublisher : BackgroundService
{
    // Enough for a burst of every relay of a busy node; past it the relays wait, which is the backpressure.
    private const int QueueCapacity = 4096;

    // Streams per batch: one pipelined write of this many script calls stays well under a millisecond.
    private const int MaxBatch = 512;

    // Queued by the timer: time to send what waited long enough. No stream has an empty id.
    private static readonly (string StreamId, long Seq) Tick = (string.Empty, 0);

    private readonly Channel<(string StreamId, long Seq)> _queue = Channel.CreateBounded<(string, long)>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly RedisConnection _redis;
    private readonly AcknowledgementCoalescer _coalescer;
    private readonly ITimer _ticks;
    private readonly TimeSpan _period;
    private readonly ILogger _logger;
    private bool _ticking;

    public AcknowledgementPublisher(
        RedisConnection redis, IOptions<RedisBusOptions> options, TimeProvider time, ILogger<AcknowledgementPublisher> logger)
    {
        _redis = redis;
        _logger = logger;
        var settings = options.Value;
        _coalescer = new AcknowledgementCoalescer(settings.AcknowledgeEvery, settings.AcknowledgeAfter, time);
        // Ticks at half the delay, so nothing waits much more than the delay, and only while the coalescer knows a
        // stream (a process that acknowledges nothing, a worker, never wakes for it). A full queue skips a tick:
        // the loop is busy then, and the next tick comes soon.
        _period = settings.AcknowledgeAfter / 2;
        _ticks = time.CreateTimer(
            static state => ((AcknowledgementPublisher)state!)._queue.Writer.TryWrite(Tick), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Queues an acknowledgement; completes once it is queued, not once Redis has it.</summary>
    public ValueTask QueueAsync(string streamId, long seq, CancellationToken cancellationToken) =>
        _queue.Writer.TryWrite((streamId, seq)) ? ValueTask.CompletedTask : WaitToQueueAsync(streamId, seq, cancellationToken);

    public override void Dispose()
    {
        _ticks.Dispose();
        base.Dispose();
    }

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
        var due = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendDueAsync(due, all: false).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // What the relays queued or the coalescer held before the host stopped still reaches the producers.
        _ticks.Dispose();
        _queue.Writer.TryComplete();
        do
        {
            await SendDueAsync(due, all: true).ConfigureAwait(false);
        }
        while (_queue.Reader.TryPeek(out _));
    }

    private async Task SendDueAsync(Dictionary<string, long> due, bool all)
    {
        due.Clear();
        var timed = all;
        for (var read = 0; read < MaxBatch && _queue.Reader.TryRead(out var ack); read++)
        {
            if (ack.StreamId.Length == 0)
            {
                timed = true;
            }
            else
            {
                _coalescer.Add(ack.StreamId, ack.Seq);
            }
        }

        _coalescer.TakeDue(due, timed, all);
        if (_coalescer.Count > 0 != _ticking && !all)
        {
            _ticking = !_ticking;
            var period = _ticking ? _period : Timeout.InfiniteTimeSpan;
            _ticks.Change(period, period);
        }

        if (due.Count == 0)
        {
            return;
        }

        // Issued without waiting for each other, the calls share one write and one round trip (per shard on a cluster).
        var sends = new Task[due.Count];
        var i = 0;
        foreach (var (streamId, seq) in due)
        {
            sends[i++] = SignalScripts.Acknowledge.EvaluateAsync(_redis.Database, [_redis.Keys.StreamMeta(streamId)],
                [seq, _redis.Keys.StreamSignals(streamId).ToString(), _redis.Keys.StreamPublish]);
        }

        try
        {
            await Task.WhenAll(sends).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Any failure, not only RedisException (a socket dying mid-write surfaces as InvalidOperationException):
            // an exception escaping here would stop every acknowledgement of this process.
            LogSendFailed(due.Count, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not send {Count} acknowledgements; the next ones of each stream make them good: {Reason}")]
    private partial void LogSendFailed(int count, string reason);
}
