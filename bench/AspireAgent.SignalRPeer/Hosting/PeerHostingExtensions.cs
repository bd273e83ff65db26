using AspireAgent.Inference.Batching;
using AspireAgent.Inference.Hosting;
using AspireAgent.Inference.Models.Simulated;
using AspireAgent.Bench.Answers;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AspireAgent.SignalRPeer.Hosting;

public static class PeerHostingExtensions
{
    /// <summary>
    /// SignalR with the MessagePack hub protocol, and the worker's own simulated model and token batcher bound from
    /// the same <c>Inference:*</c> keys, so the answer text, token pace and batching equal the gateway's.
    /// </summary>
    public static PeerOptions AddSignalRPeer(this IHostApplicationBuilder builder)
    {
        var peer = builder.Configuration.GetSection(PeerOptions.SectionName).Get<PeerOptions>() ?? new PeerOptions();
        builder.Services.AddOptions<PeerOptions>()
            .Bind(builder.Configuration.GetSection(PeerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddInferenceOptions();
        builder.Services.AddSingleton<SimulatedChatClient>();
        builder.Services.AddSingleton<TokenBatcher>();
        builder.Services.AddSingleton<SimulatedAnswerSource>();

        builder.Services
            .AddSignalR(hub =>
            {
                hub.KeepAliveInterval = peer.KeepAliveInterval;
                hub.ClientTimeoutInterval = peer.ClientTimeoutInterval;

                // The gateway follows up to 8 answers per connection; SignalR's default is 1 at a time.
                hub.MaximumParallelInvocationsPerClient = 8;
            })
            .AddMessagePackProtocol();
        return peer;
    }
}
