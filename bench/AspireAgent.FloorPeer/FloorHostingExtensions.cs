using AspireAgent.Bench.Answers;
using AspireAgent.Inference.Batching;
using AspireAgent.Inference.Hosting;
using AspireAgent.Inference.Models.Simulated;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AspireAgent.FloorPeer;

internal static class FloorHostingExtensions
{
    /// <summary>
    /// The held connections and their ping sweep, and the SignalR peer's answer path: the worker's simulated model
    /// and token batcher bound from the same <c>Inference:*</c> keys, so the text, pace and batching are the gateway's.
    /// </summary>
    public static void AddFloorPeer(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddInferenceOptions();
        builder.Services.AddSingleton<SimulatedChatClient>();
        builder.Services.AddSingleton<TokenBatcher>();
        builder.Services.AddSingleton<SimulatedAnswerSource>();
        builder.Services.AddSingleton<FloorConnections>();
        builder.Services.AddHostedService<PingSweep>();
    }
}
