using System.Collections.Concurrent;

namespace AspireAgent.Bus.Memory;

/// <summary>Stream signals inside one process: one small state object per stream in flight.</summary>
internal sealed class MemoryStreamSignals(TimeProvider time) : IStreamSignals
{
    private readonly ConcurrentDictionary<string, Flow> _flows = new(StringComparer.Ordinal);

    public int Count => _flows.Count;

    public ValueTask AcknowledgeAsync(string streamId, long seq, CancellationToken cancellationToken)
    {
        Get(streamId).Acknowledge(seq);
        return ValueTask.CompletedTask;
    }

    public ValueTask InterruptAsync(string streamId, CancellationToken cancellationToken)
    {
        Get(streamId).Interrupt();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IStreamWatch> WatchAsync(string streamId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStreamWatch>(new Watch(this, streamId, Get(streamId)));

    /// <summary>Drops signal state untouched for longer than <paramref name="age"/> (acks for streams long gone).</summary>
    public int RemoveStale(TimeSpan age)
    {
        var cutoff = time.GetUtcNow() - age;
        var removed = 0;
        foreach (var (id, flow) in _flows)
        {
            if (!flow.Watched && flow.Touched <= cutoff && _flows.TryRemove(id, out _))
            {
                removed++;
            }
        }

        return removed;
    }

    private Flow Get(string streamId) => _flows.GetOrAdd(streamId, _ => new Flow(time));

    private sealed class Flow(TimeProvider time)
    {
        private readonly CancellationTokenSource _interrupted = new();
        private readonly AcknowledgementWindow _window = new();
        private long _touchedTicks = time.GetUtcNow().UtcTicks;

        public long Acknowledged => _window.Acknowledged;

        public CancellationToken Interrupted => _interrupted.Token;

        public DateTimeOffset Touched => new(Volatile.Read(ref _touchedTicks), TimeSpan.Zero);

        public bool Watched { get; set; }

        public void Acknowledge(long seq)
        {
            Touch();
            _window.Acknowledge(seq);
        }

        public void Interrupt()
        {
            Touch();
            _interrupted.Cancel();
        }

        public ValueTask WaitForCreditAsync(long seq, int window, CancellationToken cancellationToken) =>
            _window.WaitForCreditAsync(seq, window, cancellationToken);

        private void Touch() => Volatile.Write(ref _touchedTicks, time.GetUtcNow().UtcTicks);
    }

    private sealed class Watch : IStreamWatch
    {
        private readonly MemoryStreamSignals _owner;
        private readonly string _streamId;
        private readonly Flow _flow;

        public Watch(MemoryStreamSignals owner, string streamId, Flow flow)
        {
            (_owner, _streamId, _flow) = (owner, streamId, flow);
            flow.Watched = true;
        }

        public CancellationToken Interrupted => _flow.Interrupted;

        public long Acknowledged => _flow.Acknowledged;

        public ValueTask WaitForCreditAsync(long seq, int window, CancellationToken cancellationToken) =>
            _flow.WaitForCreditAsync(seq, window, cancellationToken);

        public ValueTask DisposeAsync()
        {
            _owner._flows.TryRemove(new KeyValuePair<string, Flow>(_streamId, _flow));
            return ValueTask.CompletedTask;
        }
    }
}
