namespace AspireAgent.LoadTool.Scenarios.Connections;

/// <summary>What the idle clients of one run saw, updated from every receive loop.</summary>
internal sealed class IdleCounters
{
    private long _pings;
    private long _closed;

    /// <summary>Liveness frames received from the server (gateway pings, SignalR keep-alives).</summary>
    public long Pings => Interlocked.Read(ref _pings);

    /// <summary>Connections that ended while they should have stayed open.</summary>
    public long Closed => Interlocked.Read(ref _closed);

    public string? LastClose { get; private set; }

    public void Ping() => Interlocked.Increment(ref _pings);

    public void Close(string why)
    {
        Interlocked.Increment(ref _closed);
        LastClose = why;
    }
}
