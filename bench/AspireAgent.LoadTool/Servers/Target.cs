namespace AspireAgent.LoadTool.Servers;

/// <summary>A server under test.</summary>
internal enum Target
{
    /// <summary>The one-process host: gateway, worker and in-memory bus (Web.Blazor).</summary>
    AspireAgent,

    /// <summary>The SignalR hub streaming the same simulated answers (bench/AspireAgent.SignalRPeer).</summary>
    SignalR,

    /// <summary>The floor: the least a Kestrel WebSocket app holds per idle connection (bench/AspireAgent.FloorPeer).</summary>
    Floor,
}

internal static class TargetNames
{
    public static Target Parse(string name) => name.ToLowerInvariant() switch
    {
        "aspireagent" or "gateway" => Target.AspireAgent,
        "signalr" => Target.SignalR,
        "floor" => Target.Floor,
        _ => throw new ArgumentException($"Unknown target '{name}': aspireagent, signalr or floor (connections only)."),
    };

    public static string Name(this Target target) => target switch
    {
        Target.AspireAgent => "aspireagent",
        Target.SignalR => "signalr",
        _ => "floor",
    };
}
