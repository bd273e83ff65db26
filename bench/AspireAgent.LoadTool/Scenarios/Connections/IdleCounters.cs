using System.Collections.Concurrent;
using System.Globalization;

namespace AspireAgent.LoadTool.Scenarios.Connections;

/// <summary>What the idle clients of one run saw, updated from every receive loop.</summary>
internal sealed class IdleCounters
{
    private readonly ConcurrentDictionary<string, long> _closeCodes = new(StringComparer.Ordinal);
    private long _pings;
    private long _closed;

    /// <summary>Liveness frames received from the server (gateway pings, SignalR keep-alives).</summary>
    public long Pings => Interlocked.Read(ref _pings);

    /// <summary>Connections that ended while they should have stayed open.</summary>
    public long Closed => Interlocked.Read(ref _closed);

    public string? LastClose { get; private set; }

    /// <summary>Those ends by WebSocket close code, <c>none</c> for a connection that ended without a close frame.</summary>
    public IReadOnlyDictionary<string, long> CloseCodes => _closeCodes;

    public void Ping() => Interlocked.Increment(ref _pings);

    public void Close(int? code, string why)
    {
        Interlocked.Increment(ref _closed);
        _closeCodes.AddOrUpdate(code?.ToString(CultureInfo.InvariantCulture) ?? "none", 1, (_, n) => n + 1);
        LastClose = why;
    }
}
