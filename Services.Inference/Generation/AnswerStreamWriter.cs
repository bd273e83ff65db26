using System.Text;
using AspireAgent.Bus;
using AspireAgent.Protocol;

namespace AspireAgent.Inference.Generation;

/// <summary>
/// Appends one attempt at an answer to its stream, as the stream's current producer, and keeps what readers
/// rely on: <c>assistant.start</c> first (or a reset when taking over an answer that has chunks already),
/// chunk seqs contiguous across the whole stream, at most the stream's chunk limit, and an end whose full
/// content is exactly the concatenation of this attempt's deltas.
/// </summary>
/// <remarks>
/// A write that fails for a reason other than the stream's rules (the connection to the bus dropped) has an
/// unknown outcome. The writer then renews its handle, which fences out any late copy of that write, reads
/// from the stream whether it landed, and goes on: the answer continues without a reset. Only if that fails
/// too does the failure reach the generator, which starts a new attempt.
/// <para>
/// Chunks are pipelined: <see cref="AppendAsync"/> returns once the chunk is queued, at most one append is in
/// flight, and the chunks that queue meanwhile go as one batch (up to <see cref="MaxBatch"/>), so a model
/// faster than the bus's round trip costs one bus write per round trip rather than one per chunk. A failed
/// append surfaces from the next call (or from <see cref="FlushAsync"/>), as it would have from its own.
/// </para>
/// </remarks>
internal sealed class AnswerStreamWriter(
    IStreamStore streams, StreamProducer producer, ChatRequest request, int maxChunks, long maxBytes, TimeProvider time)
    : IAsyncDisposable
{
    /// <summary>The most chunks one bus write carries; more waiting means the bus is far behind, and the caller waits.</summary>
    public const int MaxBatch = 64;

    private readonly Lock _gate = new();
    private readonly List<AgentMessage> _queued = [];
    private readonly StringBuilder _content = new();
    private Task _inFlight = Task.CompletedTask;
    private bool _draining;
    private StreamProducer _producer = producer;
    private long _textBytes;
    private string? _text;

    public ChatRequest Request => request;

    /// <summary>The handle this attempt writes with (renewed when a lost write was recovered).</summary>
    public StreamProducer Producer => _producer;

    /// <summary>The seq of this attempt's first chunk: 0, or the count a takeover continues from.</summary>
    public long FirstSeq { get; } = producer.NextSeq;

    /// <summary>Chunks in the stream, earlier attempts' included: the next chunk's seq.</summary>
    public long ChunkCount { get; private set; } = producer.NextSeq;

    /// <summary>
    /// Whether <paramref name="delta"/> may follow within the stream's chunk and byte limits; when not, it is
    /// dropped and the answer ends with <c>length</c>. Only this attempt's text counts toward the bytes.
    /// </summary>
    public bool Fits(string delta) => ChunkCount < maxChunks && _textBytes + Encoding.UTF8.GetByteCount(delta) <= maxBytes;

    /// <summary>This attempt's text.</summary>
    /// <remarks>Kept once built: the end, the usage and the turn each ask for it.</remarks>
    public string Content => _text ??= _content.ToString();

    /// <summary>Writes that failed with an unknown outcome and were recovered without a new attempt.</summary>
    public int RecoveredWrites { get; private set; }

    /// <summary>
    /// Writes what opens this attempt: <c>assistant.start</c> for a fresh stream; a reset when earlier attempts
    /// left chunks, so readers drop their text; nothing when the stream has started but holds no chunk yet.
    /// </summary>
    public async ValueTask OpenAsync(string model, bool simulated, CancellationToken cancellationToken)
    {
        if (!_producer.Started)
        {
            var start = new AssistantStart
            {
                Id = MessageIds.New(),
                Timestamp = Now(),
                ConversationId = request.ConversationId,
                StreamId = request.StreamId,
                Model = model,
                Simulated = simulated,
                ReplyTo = request.UserMessageId,
            };
            await WriteAsync(start, batch: null, Landing.Started, cancellationToken).ConfigureAwait(false);
        }
        else if (_producer.NextSeq > 0)
        {
            // Whether a reset landed cannot be read back; writing it twice only clears the client twice.
            var reset = StreamReset.Create(request.StreamId, _producer.NextSeq, _producer.Attempt, Now());
            await WriteAsync(reset, batch: null, Landing.Unknowable, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Queues the next chunk and starts writing it unless an append is in flight already.</summary>
    /// <exception cref="Exception">An earlier append failed (fenced, refused, or lost and not recovered).</exception>
    public async ValueTask AppendAsync(string delta, CancellationToken cancellationToken)
    {
        var inFlight = Volatile.Read(ref _inFlight);
        if (inFlight.IsFaulted || inFlight.IsCanceled)
        {
            await inFlight.ConfigureAwait(false);
        }

        var chunk = new AssistantChunk { Id = MessageIds.New(), Timestamp = Now(), StreamId = request.StreamId, Seq = ChunkCount, Delta = delta };
        _content.Append(delta);
        _text = null;
        _textBytes += Encoding.UTF8.GetByteCount(delta);
        ChunkCount++;
        bool start, full;
        lock (_gate)
        {
            _queued.Add(chunk);
            start = !_draining;
            _draining = true;
            full = _queued.Count >= MaxBatch;
        }

        if (start)
        {
            inFlight = DrainAsync(cancellationToken);
            Volatile.Write(ref _inFlight, inFlight);
        }

        if (full)
        {
            // The bus is a whole batch behind: wait for it rather than queue without bound.
            await inFlight.ConfigureAwait(false);
        }
    }

    /// <summary>Completes once every queued chunk is in the stream; throws what failed.</summary>
    public async ValueTask FlushAsync() => await Volatile.Read(ref _inFlight).ConfigureAwait(false);

    /// <summary>Waits for the append in flight, whatever its outcome: an abandoned attempt leaves no write behind it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Surfaced to the attempt already, or the attempt failed for another reason and is over anyway.
        }
    }

    // Writes the queue in batches until it is empty; only one runs at a time (_draining).
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                AgentMessage? single = null;
                List<AgentMessage>? batch = null;
                lock (_gate)
                {
                    if (_queued.Count == 0)
                    {
                        _draining = false;
                        return;
                    }

                    // One chunk at a time is the usual case where the bus answers at once: it goes without a list.
                    var count = Math.Min(_queued.Count, MaxBatch);
                    if (count == 1)
                    {
                        single = _queued[0];
                    }
                    else
                    {
                        batch = _queued.GetRange(0, count);
                    }

                    _queued.RemoveRange(0, count);
                }

                var last = (AssistantChunk)(single ?? batch![^1]);
                await WriteAsync(single, batch, Landing.Through(last.Seq), cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // The attempt is over: what is queued will never be written, and no new drain may start.
            lock (_gate)
            {
                _queued.Clear();
            }

            throw;
        }
    }

    /// <summary>The end: <c>chunkCount</c> counts every chunk of the stream, so the last seq stays <c>chunkCount - 1</c>.</summary>
    public async ValueTask<AssistantEnd> EndAsync(FinishReason reason, Usage usage, CancellationToken cancellationToken)
    {
        var end = new AssistantEnd
        {
            Id = MessageIds.New(),
            Timestamp = Now(),
            StreamId = request.StreamId,
            FullContent = Content,
            Usage = usage,
            FinishReason = reason,
            ChunkCount = ChunkCount,
        };
        await FlushAsync().ConfigureAwait(false);
        await WriteAsync(end, batch: null, Landing.Ended, cancellationToken).ConfigureAwait(false);
        return end;
    }

    /// <param name="single">The message to write, or null when <paramref name="batch"/> holds them.</param>
    private async ValueTask WriteAsync(AgentMessage? single, List<AgentMessage>? batch, Landing landing, CancellationToken cancellationToken)
    {
        try
        {
            await AppendToStreamAsync(single, batch, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception exception) when (OutcomeUnknown(exception, cancellationToken))
        {
        }

        // Only this handle could write since its last successful write, so the stream's state after the renewal
        // says exactly whether the lost write landed (a batch lands whole or not at all). A takeover meanwhile
        // makes the renewal fail as fenced.
        var state = await streams.RenewAsync(_producer, cancellationToken).ConfigureAwait(false);
        _producer = state;
        RecoveredWrites++;
        if (!landing.In(state))
        {
            await AppendToStreamAsync(single, batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask AppendToStreamAsync(AgentMessage? single, List<AgentMessage>? batch, CancellationToken cancellationToken) =>
        single is not null
            ? streams.AppendAsync(_producer, single, cancellationToken)
            : streams.AppendBatchAsync(_producer, batch!, cancellationToken);

    // The stream's own refusals are answers, not lost writes; cancellation is the caller's.
    private static bool OutcomeUnknown(Exception exception, CancellationToken cancellationToken) =>
        exception is not (StreamFencedException or StreamNotFoundException or InvalidOperationException)
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
