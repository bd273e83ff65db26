using System.Security.Cryptography;

namespace AspireAgent.Inference.Worker;

/// <summary>
/// Names a worker's consumers on the request queue, unique across machines, restarts and several workers in
/// one process: a durable bus tells a consumer's requests from another's by this name, so two workers must
/// never share one.
/// </summary>
internal sealed class ConsumerName
{
    private readonly string _instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public string For(int loop) => $"inference:{Environment.MachineName}:{Environment.ProcessId}:{_instance}:{loop}";
}
