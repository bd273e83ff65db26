using System.Globalization;
using AspireAgent.Protocol;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Streams in Redis: a meta hash and a Redis stream of events per answer, written by <see cref="StreamScripts"/>
/// and read by <see cref="RedisStreamReader"/>. A finished stream expires <see cref="BusOptions.StreamRetention"/>
/// after its end; one that never ends, <see cref="RedisBusOptions.OpenStreamTimeToLive"/> after its creation.
/// </summary>
internal sealed class RedisStreamStore(
    RedisConnection redis,
    RedisStreamReader reader,
    StreamAppendPipeline appends,
    IOptions<BusOptions> busOptions,
    IOptions<RedisBusOptions> options) : IStreamStore
{
    private RedisKeys Keys => redis.Keys;

    public async ValueTask CreateAsync(StreamInfo info, CancellationToken cancellationToken)
    {
        var created = (long)await StreamScripts.Create.EvaluateAsync(redis.Database, [Keys.StreamMeta(info.StreamId)],
            [info.ConversationId, info.OwnerId, info.CreatedAt.ToUnixTimeMilliseconds(), Milliseconds(options.Value.OpenStreamTimeToLive)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (created == 0)
        {
            throw new InvalidOperationException($"Stream '{info.StreamId}' already exists.");
        }
    }

    public async ValueTask<StreamInfo?> GetAsync(string streamId, CancellationToken cancellationToken)
    {
        var fields = await redis.Database.HashGetAsync(Keys.StreamMeta(streamId), ["conv", "owner", "created", "ended"])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return fields[0].IsNull
            ? null
            : new StreamInfo
            {
                StreamId = streamId,
                ConversationId = fields[0]!,
                OwnerId = fields[1]!,
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)fields[2]),
                EndedAt = fields[3].IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)fields[3]),
            };
    }

    public ValueTask AppendAsync(string streamId, AgentMessage message, CancellationToken cancellationToken) =>
        AppendCoreAsync(streamId, epoch: null, [message], cancellationToken);

    public ValueTask AppendAsync(StreamProducer producer, AgentMessage message, CancellationToken cancellationToken) =>
        AppendCoreAsync(producer.StreamId, producer.Epoch, [message], cancellationToken);

    public ValueTask AppendBatchAsync(StreamProducer producer, IReadOnlyList<AgentMessage> messages, CancellationToken cancellationToken) =>
        messages.Count == 0 ? ValueTask.CompletedTask : AppendCoreAsync(producer.StreamId, producer.Epoch, messages, cancellationToken);

    public ValueTask<StreamProducer> AcquireAsync(string streamId, CancellationToken cancellationToken) =>
        AcquireCoreAsync(streamId, renewing: null, cancellationToken);

    public ValueTask<StreamProducer> RenewAsync(StreamProducer producer, CancellationToken cancellationToken) =>
        AcquireCoreAsync(producer.StreamId, producer.Epoch, cancellationToken);

    public IAsyncEnumerable<AgentMessage> ReadAsync(string streamId, StreamPosition from, CancellationToken cancellationToken) =>
        reader.ReadAsync(streamId, from, cancellationToken);

    private async ValueTask<StreamProducer> AcquireCoreAsync(string streamId, long? renewing, CancellationToken cancellationToken)
    {
        var result = await StreamScripts.Acquire.EvaluateAsync(redis.Database, [Keys.StreamMeta(streamId), Keys.StreamEvents(streamId)],
            [renewing?.ToString(CultureInfo.InvariantCulture) ?? string.Empty])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsNull)
        {
            throw new StreamNotFoundException(streamId);
        }

        if (result.Resp2Type != ResultType.Array)
        {
            throw new StreamFencedException(streamId, renewing ?? 0);
        }

        var fields = (RedisResult[])result!;
        var end = (byte[]?)fields[4];
        return new StreamProducer
        {
            StreamId = streamId,
            Epoch = (long)fields[0],
            Attempt = (long)fields[1],
            NextSeq = long.Parse((string)fields[2]!, CultureInfo.InvariantCulture),
            Started = (string?)fields[3] == "1",
            End = end is { Length: > 0 } ? EventCodec.Decode(end) as AssistantEnd : null,
        };
    }

    // One script call for the whole batch: one round trip, one notification, and all or nothing. Batches of chunks
    // go through the pipeline, sharing their call with other streams' and leaving the answer's trace; the events
    // that open and close an answer go alone, as the trace's spans.
    private async ValueTask AppendCoreAsync(
        string streamId, long? epoch, IReadOnlyList<AgentMessage> messages, CancellationToken cancellationToken)
    {
        var values = new RedisValue[3 + messages.Count * 4];
        values[0] = streamId;
        values[1] = epoch is { } fenced ? fenced : string.Empty;
        values[2] = messages.Count;
        var chunksOnly = true;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            chunksOnly &= message is AssistantChunk;
            var (kind, seq) = message switch
            {
                AssistantStart => ("s", 0L),
                AssistantChunk chunk => ("c", chunk.Seq),
                AssistantEnd => ("e", 0L),
                _ when StreamReset.TryRead(message, out var next) => ("r", next),
                _ => throw new InvalidOperationException($"A stream holds no '{message.Type}' events."),
            };
            var at = 3 + i * 4;
            values[at] = kind;
            values[at + 1] = seq;
            values[at + 2] = message is AssistantChunk text ? System.Text.Encoding.UTF8.GetByteCount(text.Delta) : 0;
            values[at + 3] = EventCodec.Encode(message);
        }

        var append = new StreamAppend(Keys.StreamMeta(streamId), Keys.StreamEvents(streamId), values);
        if (chunksOnly)
        {
            await appends.QueueAsync(append, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await appends.SendAloneAsync(append).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var outcome = await append.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case "ok":
                return;
            case "missing":
                throw new StreamNotFoundException(streamId);
            case "fenced":
                throw new StreamFencedException(streamId, epoch ?? 0);
            case "ended":
                throw new InvalidOperationException($"Stream '{streamId}' has ended; nothing can follow its end.");
            case "limit":
                throw new InvalidOperationException(
                    $"Stream '{streamId}' reached its limit of {busOptions.Value.MaxChunksPerStream} chunks or {busOptions.Value.MaxBytesPerStream} bytes.");
            case "order":
                throw new InvalidOperationException($"Stream '{streamId}' does not accept {Describe(messages)} now ({outcome}).");
            default:
                // A write Redis refused (its error): the outcome of the events before it is not known to the caller.
                throw new RedisServerException(outcome);
        }
    }

    private static long Milliseconds(TimeSpan span) => (long)span.TotalMilliseconds;

    private static string Describe(IReadOnlyList<AgentMessage> messages) =>
        string.Join(", ", messages.Select(message => message is AssistantChunk chunk ? $"chunk seq {chunk.Seq}" : message.Type));
}
