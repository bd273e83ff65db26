using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AspireAgent.Protocol;
using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Memory;

/// <summary>Streams of one process, kept until their retention after the end expires.</summary>
internal sealed class MemoryStreamStore(IOptions<BusOptions> options, TimeProvider time) : IStreamStore
{
    private readonly ConcurrentDictionary<string, StreamLog> _streams = new(StringComparer.Ordinal);

    public int Count => _streams.Count;

    public ValueTask CreateAsync(StreamInfo info, CancellationToken cancellationToken)
    {
        if (!_streams.TryAdd(info.StreamId, new StreamLog(info, options.Value.MaxChunksPerStream, options.Value.MaxBytesPerStream)))
        {
            throw new InvalidOperationException($"Stream '{info.StreamId}' already exists.");
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<StreamInfo?> GetAsync(string streamId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_streams.TryGetValue(streamId, out var log) ? log.Info : null);

    public ValueTask AppendAsync(string streamId, AgentMessage message, CancellationToken cancellationToken)
    {
        Find(streamId).Append(message, time.GetUtcNow());
        return ValueTask.CompletedTask;
    }

    public ValueTask<StreamProducer> AcquireAsync(string streamId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Find(streamId).Acquire());

    public ValueTask<StreamProducer> RenewAsync(StreamProducer producer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Find(producer.StreamId).Renew(producer.Epoch));

    public ValueTask AppendAsync(StreamProducer producer, AgentMessage message, CancellationToken cancellationToken)
    {
        Find(producer.StreamId).Append(message, time.GetUtcNow(), producer.Epoch);
        return ValueTask.CompletedTask;
    }

    public ValueTask AppendBatchAsync(StreamProducer producer, IReadOnlyList<AgentMessage> messages, CancellationToken cancellationToken)
    {
        Find(producer.StreamId).Append(messages, time.GetUtcNow(), producer.Epoch);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<AgentMessage> ReadAsync(
        string streamId, StreamPosition from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var log = Find(streamId);
        var index = from.IsBeginning ? 0 : log.IndexAfterChunk(from.AfterSeq);
        var batch = new List<AgentMessage>();
        using var waiter = new LogWaiter(cancellationToken);
        while (true)
        {
            batch.Clear();
            var ended = log.ReadFrom(index, batch);
            foreach (var message in batch)
            {
                yield return message;
            }

            index += batch.Count;
            if (ended && batch.Count == 0 || batch.Count > 0 && batch[^1] is AssistantEnd)
            {
                yield break;
            }

            if (batch.Count == 0)
            {
                await log.WaitBeyondAsync(index, waiter);
            }
        }
    }

    /// <summary>The newest stream of a conversation, for diagnostics and tests.</summary>
    public string? LatestOf(string conversationId) =>
        _streams.Values.Where(s => s.Info.ConversationId == conversationId)
            .OrderByDescending(s => s.Info.CreatedAt).Select(s => s.Info.StreamId).FirstOrDefault();

    /// <summary>Streams <paramref name="ownerId"/> has in this store, for diagnostics and tests.</summary>
    public int CountOwnedBy(string ownerId) => _streams.Values.Count(s => s.Info.OwnerId == ownerId);

    /// <summary>What the stream holds now, without waiting for more.</summary>
    public IReadOnlyList<AgentMessage> Snapshot(string streamId)
    {
        var events = new List<AgentMessage>();
        Find(streamId).ReadFrom(0, events);
        return events;
    }

    /// <summary>Drops streams whose retention after their end has passed.</summary>
    public int RemoveExpired()
    {
        var cutoff = time.GetUtcNow() - options.Value.StreamRetention;
        var removed = 0;
        foreach (var (id, log) in _streams)
        {
            if (log.Info.EndedAt is { } ended && ended <= cutoff && _streams.TryRemove(id, out _))
            {
                removed++;
            }
        }

        return removed;
    }

    private StreamLog Find(string streamId) =>
        _streams.TryGetValue(streamId, out var log) ? log : throw new StreamNotFoundException(streamId);
}
