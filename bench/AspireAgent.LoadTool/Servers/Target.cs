namespace AspireAgent.LoadTool.Servers;

/// <summary>A server under test.</summary>
internal enum Target
{
    /// <summary>The one-process host: gateway, worker and in-memory bus (Web.Blazor).</summary>
    AspireAgent,

    /// <summary>The SignalR hub streaming the same simulated answers (bench/AspireAgent.SignalRPeer).</summary>
    SignalR,

    /// <summary>
    /// The floor (bench/AspireAgent.FloorPeer): the least a Kestrel WebSocket app speaking the gateway protocol holds
    /// per idle connection, and spends per streamed token (the SignalR peer's answer path written straight to the socket).
    /// </summary>
    Floor,

    /// <summary>The gateway alone (Services.Socket) on its in-memory bus, no worker: idle connections only (scale).</summary>
    Gateway,
}

internal static class TargetNames
{
    public static Target Parse(string name) => name.ToLowerInvariant() switch
    {
        "aspireagent" => Target.AspireAgent,
        "gateway" => Target.Gateway,
        "signalr" => Target.SignalR,
        "floor" => Target.Floor,
        _ => throw new ArgumentException($"Unknown target '{name}': aspireagent, signalr, floor or gateway (the last idle connections only)."),
    };

    public static string Name(this Target target) => target switch
    {
        Target.AspireAgent => "aspireagent",
        Target.SignalR => "signalr",
        Target.Gateway => "gateway",
        _ => "floor",
    };
}
