namespace AspireAgent.AppHost.Topology;

/// <summary>Where the bus's Redis comes from.</summary>
public enum RedisSource
{
    /// <summary>A container when a container runtime answers, else redis-server on PATH, else none.</summary>
    Auto,

    /// <summary>An existing Redis named by <c>ConnectionStrings:redis</c>.</summary>
    ConnectionString,

    /// <summary>The Redis container (Docker or Podman).</summary>
    Container,

    /// <summary>redis-server from PATH, as an executable resource on a free loopback port.</summary>
    Executable,

    /// <summary>No Redis: the one-process host on the in-memory bus.</summary>
    None,
}

/// <summary>Where the model comes from.</summary>
public enum ModelSource
{
    /// <summary>An Ollama container when a container runtime answers, else <c>ollama</c> on PATH, else simulated.</summary>
    Auto,

    /// <summary>An existing Ollama named by <c>ConnectionStrings:ollama</c> (<c>Endpoint=…;Model=…</c>).</summary>
    ConnectionString,

    /// <summary>The Ollama container, its model pulled into a named volume.</summary>
    Container,

    /// <summary><c>ollama serve</c> from PATH, as an executable resource, and the model pulled by <c>ollama pull</c>.</summary>
    Executable,

    /// <summary>The worker's deterministic simulated model.</summary>
    Simulated,
}

/// <summary>The AppHost's choices, bound from the <c>AppHost</c> section (command line: <c>--AppHost:Redis=Executable</c>).</summary>
public sealed class TopologyOptions
{
    public const string SectionName = "AppHost";

    /// <summary><c>auto</c> (probe docker, then podman), <c>docker</c>, <c>podman</c> or <c>none</c>.</summary>
    public string ContainerRuntime { get; set; } = "auto";

    public RedisSource Redis { get; set; } = RedisSource.Auto;

    public ModelSource Model { get; set; } = ModelSource.Auto;

    /// <summary>The Ollama model pulled and served (container or executable).</summary>
    public string OllamaModel { get; set; } = "llama3.2";

    public int GatewayReplicas { get; set; } = 3;

    /// <summary>The one gateway port in front of every replica: <c>ws://localhost:{port}/ws</c>.</summary>
    public int GatewayPort { get; set; } = 5090;
}
