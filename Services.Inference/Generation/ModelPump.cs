using System.Threading.Channels;
using AspireAgent.Inference.Batching;
using Microsoft.Extensions.AI;

namespace AspireAgent.Inference.Generation;

/// <summary>
/// Pulls the model's streamed updates into a bounded channel. The channel is the only coupling to the rest
/// of the answer: when its reader falls behind, the pump waits on the channel and stops pulling from the
/// model, which is where backpressure reaches the model server.
/// </summary>
internal static class ModelPump
{
    /// <summary>Never throws; always completes <paramref name="tokens"/>.</summary>
    public static async Task<ModelOutcome> RunAsync(
        IChatClient client,
        IReadOnlyList<ChatMessage> prompt,
        ChannelWriter<ModelToken> tokens,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ChatFinishReason? finishReason = null;
        UsageDetails? usage = null;
        DateTimeOffset? firstTokenAt = null;
        Exception? error = null;
        var completed = false;
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(prompt, options: null, cancellationToken)
                               .ConfigureAwait(false))
            {
                finishReason = update.FinishReason ?? finishReason;

                // By index: a foreach over the IList boxes its enumerator, once per update of every answer.
                var contents = update.Contents;
                for (var i = 0; i < contents.Count; i++)
                {
                    if (contents[i] is UsageContent reported)
                    {
                        usage = reported.Details;
                    }
                }

                var text = update.Text;
                if (text.Length > 0)
                {
                    firstTokenAt ??= time.GetUtcNow();
                    await tokens.WriteAsync(new ModelToken(text, time.GetTimestamp()), cancellationToken).ConfigureAwait(false);
                }
            }

            completed = true;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped on purpose; the stop cause, not this exception, decides how the answer ends.
        }
        catch (Exception exception)
        {
            error = exception;
        }
        finally
        {
            tokens.TryComplete();
        }

        return new ModelOutcome(completed, finishReason, usage, firstTokenAt, error);
    }
}
