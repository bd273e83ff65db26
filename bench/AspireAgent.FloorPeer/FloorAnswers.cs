using System.Buffers;
using System.Net.WebSockets;
using AspireAgent.Bench.Answers;
using AspireAgent.Inference.Models.Simulated;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.FloorPeer;

/// <summary>
/// One connection's answers, each streamed straight onto the socket as the SignalR hub streams its own: the
/// simulated model through the worker's pump and batcher, one frame per batch, then the end. Nothing is kept,
/// nothing is acknowledged, nothing can be resumed — the least any server streaming this protocol can spend per
/// token, so the gateway's cost can be read as floor + what its features cost.
/// </summary>
internal sealed class FloorAnswers(WebSocket socket, IMessageCodec codec, SimulatedAnswerSource source, TimeProvider time) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    /// <summary>Starts answering; the read loop goes on reading meanwhile (acknowledgements, pongs, more questions).</summary>
    public void Start(UserMessage question)
    {
        _running.RemoveAll(static answer => answer.IsCompleted);
        _running.Add(AnswerAsync(question, _stop.Token));
    }

    /// <summary>Stops every answer still streaming and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        _stop.Dispose();
    }

    private async Task AnswerAsync(UserMessage question, CancellationToken cancellationToken)
    {
        // Leave the read loop's call stack: the first batch would otherwise be produced inline.
        await Task.Yield();
        var streamId = MessageIds.New();
        var frame = new ArrayBufferWriter<byte>(256);
        var text = new System.Text.StringBuilder();
        var started = time.GetTimestamp();
        try
        {
            await SendAsync(frame, new AssistantStart
            {
                Id = MessageIds.New(),
                Timestamp = time.GetUtcNow().ToUnixTimeMilliseconds(),
                ConversationId = question.ConversationId,
                StreamId = streamId,
                Model = SimulatedChatClient.ModelName,
                Simulated = true,
                ReplyTo = question.Id,
            });

            long chunks = 0;
            var completionTokens = 0;
            await foreach (var batch in source.StreamAsync(question.Content, outcome => completionTokens = (int)(outcome.Usage?.OutputTokenCount ?? 0), cancellationToken))
            {
                text.Append(batch.Delta);
                chunks++;
                await SendAsync(frame, new AssistantChunk { Id = MessageIds.New(), Timestamp = batch.Timestamp, StreamId = streamId, Seq = batch.Seq, Delta = batch.Delta });
            }

            await SendAsync(frame, new AssistantEnd
            {
                Id = MessageIds.New(),
                Timestamp = time.GetUtcNow().ToUnixTimeMilliseconds(),
                StreamId = streamId,
                FullContent = text.ToString(),
                FinishReason = FinishReason.Stop,
                ChunkCount = chunks,
                Usage = new Usage
                {
                    CompletionTokens = completionTokens,
                    DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
                },
            });
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away or the connection is closing: nothing is kept to resume.
        }
    }

    private ValueTask SendAsync(ArrayBufferWriter<byte> frame, AgentMessage message)
    {
        frame.ResetWrittenCount();
        codec.Encode(message, frame);
        return socket.SendAsync(frame.WrittenMemory, codec.FrameType, endOfMessage: true, CancellationToken.None);
    }
}
