using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Memory;

/// <summary>Per-identity answer counts of one process: a set of stream ids (with their expiry) per owner.</summary>
internal sealed class MemoryAnswerQuota(IOptions<BusOptions> options, TimeProvider time) : IAnswerQuota
{
    private readonly ConcurrentDictionary<string, Dictionary<string, DateTimeOffset>> _owners = new(StringComparer.Ordinal);

    public ValueTask<bool> TryTakeAsync(string ownerId, string streamId, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            var answers = _owners.GetOrAdd(ownerId, _ => new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal));
            lock (answers)
            {
                // An empty set is removed under its lock; one found removed is stale, and looked up again.
                if (!_owners.TryGetValue(ownerId, out var current) || !ReferenceEquals(current, answers))
                {
                    continue;
                }

                foreach (var (expired, _) in answers.Where(a => a.Value <= now).ToList())
                {
                    answers.Remove(expired);
                }

                if (!answers.ContainsKey(streamId) && answers.Count >= limit)
                {
                    return ValueTask.FromResult(false);
                }

                answers[streamId] = now + options.Value.AnswerQuotaLifetime;
                return ValueTask.FromResult(true);
            }
        }
    }

    public ValueTask ReleaseAsync(string ownerId, string streamId, CancellationToken cancellationToken)
    {
        if (_owners.TryGetValue(ownerId, out var answers))
        {
            lock (answers)
            {
                if (answers.Remove(streamId) && answers.Count == 0)
                {
                    _owners.TryRemove(new KeyValuePair<string, Dictionary<string, DateTimeOffset>>(ownerId, answers));
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Answers counted for <paramref name="ownerId"/> now, expired ones included until next taken; for tests.</summary>
    public int CountOf(string ownerId)
    {
        if (!_owners.TryGetValue(ownerId, out var answers))
        {
            return 0;
        }

        lock (answers)
        {
            return answers.Count;
        }
    }
}
