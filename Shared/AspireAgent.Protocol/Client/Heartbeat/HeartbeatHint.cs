namespace AspireAgent.Protocol.Client;

/// <summary>The heartbeat strategy the client asks for in <c>hello</c> (payload <c>heartbeat</c>).</summary>
public enum HeartbeatHint
{
    /// <summary><see cref="Application"/> in a browser, which cannot see WebSocket pings; elsewhere <see cref="Server"/>.</summary>
    Auto,

    /// <summary>No hint: the server's configured strategy applies.</summary>
    Server,

    /// <summary>The server pings every interval.</summary>
    Fixed,

    /// <summary>The server pings at an interval that grows while the connection is idle.</summary>
    Adaptive,

    /// <summary>The server pings only after an interval without traffic from the client.</summary>
    OnDemand,

    /// <summary>The client pings every interval; each side closes a peer silent for an interval plus a timeout.</summary>
    Application,
}

internal static class HeartbeatHints
{
    public const string Fixed = "fixed";
    public const string Adaptive = "adaptive";
    public const string OnDemand = "on-demand";
    public const string Application = "application";

    /// <summary>The payload value for <c>hello</c>, or null to send none.</summary>
    public static string? ToWire(this HeartbeatHint hint) => hint switch
    {
        HeartbeatHint.Auto => OperatingSystem.IsBrowser() ? Application : null,
        HeartbeatHint.Fixed => Fixed,
        HeartbeatHint.Adaptive => Adaptive,
        HeartbeatHint.OnDemand => OnDemand,
        HeartbeatHint.Application => Application,
        _ => null,
    };
}
