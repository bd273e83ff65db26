namespace AspireAgent.Inference.Worker;

/// <summary>Names this process's consumers on the request queue, unique across machines and restarts.</summary>
internal static class ConsumerName
{
    public static string For(int loop) => $"inference:{Environment.MachineName}:{Environment.ProcessId}:{loop}";
}
