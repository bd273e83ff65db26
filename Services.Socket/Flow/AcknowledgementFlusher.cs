using System.Threading.Channels;
using AspireAgent.Bus;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Flow;

/// <summary>
/// Sends the node's gateway-side acknowledgements to the bus, off every connection's writer: batchers post
/// into a bounded queue, and <see cref="GatewayOptions.AcknowledgeConcurrency"/> workers drain it, each
/// sending only the highest seq of every stream it found queued.
/// </summary>
internal sealed class AcknowledgementFlusher : BackgroundService
{
    private readonly Channel<StreamAck> _queue;
    private readonly IStreamSignals _signals;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;

    public AcknowledgementFlusher(IStreamSignals signals, IOptions<GatewayOptions> options, ILogger<AcknowledgementFlusher> logger)
    {
        _signals = signals;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<StreamAck>(new BoundedChannelOptions(_options.AcknowledgeQueueCapacity)
        {
            SingleReader = _options.AcknowledgeConcurrency == 1,
            // Batchers only TryWrite: a full queue leaves the acknowledgement with its batcher, which retries.
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Where batchers post; writes never wait.</summary>
    public ChannelWriter<StreamAck> Writer => _queue.Writer;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = new Task[_options.AcknowledgeConcurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = DrainAsync(stoppingToken);
        }

        return Task.WhenAll(workers);
    }

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                // Cumulative: of several acknowledgements of one stream waiting here, only the highest is sent.
                while (highest.Count < _options.AcknowledgeQueueCapacity && _queue.Reader.TryRead(out var ack))
                {
                    highest[ack.StreamId] = highest.TryGetValue(ack.StreamId, out var seq) ? Math.Max(seq, ack.Seq) : ack.Seq;
                }

                foreach (var (streamId, seq) in highest)
                {
                    await SendAsync(streamId, seq, stoppingToken).ConfigureAwait(false);
                }

                highest.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping: an acknowledgement lost here leaves its producer paused until the client resumes.
        }
    }

    private async ValueTask SendAsync(string streamId, long seq, CancellationToken stoppingToken)
    {
        try
        {
            await _signals.AcknowledgeAsync(streamId, seq, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // One failed acknowledgement must not stop the others; a later one of the stream covers it.
            _logger.AcknowledgeFailed(streamId, seq, ex);
        }
    }
}
