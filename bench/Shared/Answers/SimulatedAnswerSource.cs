using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AspireAgent.Inference.Batching;
using AspireAgent.Inference.Generation;
using AspireAgent.Inference.Models.Simulated;
using Microsoft.Extensions.AI;

namespace AspireAgent.Bench.Answers;

/// <summary>
/// The worker's answer path without the bus: the simulated model pumped into a bounded channel by the worker's
/// <c>ModelPump</c>, grouped by its <c>TokenBatcher</c>. A fresh conversation's prompt is the one user turn,
/// exactly what the gateway's worker sends the model, so the text is identical.
/// </summary>
internal sealed class SimulatedAnswerSource(SimulatedChatClient model, TokenBatcher batcher, TimeProvider time)
{
    private const int TokenBufferCapacity = 256;

    /// <param name="content">The question.</param>
    /// <param name="finished">Told how the model call ended (its token counts), once it has.</param>
    /// <param name="cancellationToken">Stops the answer.</param>
    public async IAsyncEnumerable<AnswerChunk> StreamAsync(
        string content, Action<ModelOutcome>? finished, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tokens = Channel.CreateBounded<ModelToken>(new BoundedChannelOptions(TokenBufferCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = ModelPump.RunAsync(model, [new ChatMessage(ChatRole.User, content)], tokens.Writer, time, stop.Token);
        try
        {
            var seq = 0L;
            await foreach (var delta in batcher.BatchAsync(tokens.Reader, cancellationToken).ConfigureAwait(false))
            {
                yield return new AnswerChunk(seq++, delta, time.GetUtcNow().ToUnixTimeMilliseconds());
            }
        }
        finally
        {
            // The model call never outlives the hub invocation, even when the client goes away mid-answer.
            await stop.CancelAsync().ConfigureAwait(false);
            var outcome = await pump.ConfigureAwait(false);
            finished?.Invoke(outcome);
        }
    }
}
