using System.Collections.Concurrent;

namespace AspireAgent.LoadTool.Scenarios.Chaos;

/// <summary>
/// How every answer of the chaos run ended. Whole and explicit errors are acceptable outcomes; duplicated,
/// altered and lost are not, and each is kept with its detail so a failure can be told precisely.
/// </summary>
internal sealed class ChaosTally
{
    private long _asked;
    private long _whole;
    private long _resets;
    private long _connectFailures;

    public ConcurrentDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Duplicated { get; } = new();

    public ConcurrentQueue<string> Altered { get; } = new();

    public ConcurrentQueue<string> Lost { get; } = new();

    public long Asked => Interlocked.Read(ref _asked);

    public long Whole => Interlocked.Read(ref _whole);

    /// <summary>Answers taken over by another worker (<c>reset</c>) that still ended whole or with an error.</summary>
    public long Resets => Interlocked.Read(ref _resets);

    /// <summary>Connection attempts that failed while the cluster was being killed (retried; not answers).</summary>
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    public void Ask() => Interlocked.Increment(ref _asked);

    public void AnsweredWhole() => Interlocked.Increment(ref _whole);

    public void Reset() => Interlocked.Increment(ref _resets);

    public void ConnectFailed() => Interlocked.Increment(ref _connectFailures);

    public void Error(string code) => Errors.AddOrUpdate(code, 1, (_, n) => n + 1);

    public long ErrorCount => Errors.Values.Sum();
}
