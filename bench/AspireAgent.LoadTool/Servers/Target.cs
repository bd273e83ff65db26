namespace AspireAgent.LoadTool.Servers;

/// <summary>A server under test.</summary>
internal enum Target
{
    /// <summary>The one-process host: gateway, worker and in-memory bus (Web.Blazor).</summary>
    AspireAgent,

    /// <summary>The SignalR hub streaming the same simulated answers (bench/AspireAgent.SignalRPeer).</summary>
    SignalR,
}

internal static class TargetNames
{
    public static Target Parse(string name) => name.ToLowerInvariant() switch
    {
        "aspireagent" or "gateway" => Target.AspireAgent,
        "signalr" => Target.SignalR,
        _ => throw new ArgumentException($"Unknown target '{name}': aspireagent or signalr."),
    };

    public static string Name(this Target target) => target == Target.AspireAgent ? "aspireagent" : "signalr";
}
