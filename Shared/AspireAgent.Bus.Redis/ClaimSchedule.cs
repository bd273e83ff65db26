using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// When this process looks for abandoned requests: one check per <see cref="RedisBusOptions.ClaimCheckInterval"/>
/// for the whole process, by whichever idle consumer gets there first, rather than one per consumer — a worker
/// runs dozens of consumers and the check scans every shard, so per-consumer checks multiplied the XAUTOCLAIMs
/// by both. A check that found one runs again at once (and wakes the idle consumers), so a dead worker's many
/// requests are taken over one after another, not one per interval.
/// </summary>
internal sealed class ClaimSchedule(IOptions<RedisBusOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long? _lastEmpty;
    private bool _running;
    private TaskCompletionSource _rearmed = NewSignal();

    /// <summary>Completes when a check found a request, so that another may follow at once; take it before looking.</summary>
    public Task Rearmed
    {
        get
        {
            lock (_lock)
            {
                return _rearmed.Task;
            }
        }
    }

    /// <summary>How long until a check is due; the full interval while another consumer is checking.</summary>
    public TimeSpan UntilDue
    {
        get
        {
            lock (_lock)
            {
                var interval = options.Value.ClaimCheckInterval;
                return _running ? interval
                    : _lastEmpty is { } last ? interval - time.GetElapsedTime(last)
                    : TimeSpan.Zero;
            }
        }
    }

    /// <summary>True when the caller is to check now; it must then call <see cref="End"/>.</summary>
    public bool TryBegin()
    {
        lock (_lock)
        {
            if (_running || (_lastEmpty is { } last && time.GetElapsedTime(last) < options.Value.ClaimCheckInterval))
            {
                return false;
            }

            _running = true;
            return true;
        }
    }

    public void End(bool found)
    {
        TaskCompletionSource? rearmed = null;
        lock (_lock)
        {
            _running = false;
            if (found)
            {
                _lastEmpty = null;
                rearmed = _rearmed;
                _rearmed = NewSignal();
            }
            else
            {
                _lastEmpty = time.GetTimestamp();
            }
        }

        rearmed?.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
