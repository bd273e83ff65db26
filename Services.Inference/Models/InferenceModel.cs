using Microsoft.Extensions.AI;

namespace AspireAgent.Inference.Models;

/// <summary>The model this process answers with, chosen once at start from the options.</summary>
internal sealed class InferenceModel(IChatClient client, string name, bool isSimulated, Uri? endpoint) : IDisposable
{
    public IChatClient Client { get; } = client;

    /// <summary>What <c>assistant.start</c> names as the model.</summary>
    public string Name { get; } = name;

    public bool IsSimulated { get; } = isSimulated;

    /// <summary>The Ollama server, or null for the simulated model.</summary>
    public Uri? Endpoint { get; } = endpoint;

    public void Dispose() => Client.Dispose();
}
