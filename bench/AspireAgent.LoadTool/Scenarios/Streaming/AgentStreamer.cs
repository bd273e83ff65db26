using System.Diagnostics;
using AspireAgent.LoadTool.Verification;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.LoadTool.Scenarios.Streaming;

/// <summary>One gateway client on the project's <see cref="AgentClient"/>, streaming answers and checking each.</summary>
internal static class AgentStreamer
{
    public static async Task<AgentClient> ConnectAsync(Uri endpoint, WireEncoding encoding, CancellationToken cancellationToken)
    {
        var client = new AgentClient(new AgentClientOptions { Endpoint = endpoint, Encoding = encoding, HandshakeTimeout = TimeSpan.FromSeconds(60) });
        try
        {
            await client.ConnectAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public static async Task RunAsync(AgentClient client, StreamPlan plan, StreamTally tally, CancellationToken cancellationToken)
    {
        for (var answer = 0; plan.MayStart(answer); answer++)
        {
            var question = plan.Question(answer);
            var check = new AnswerCheck(ExpectedAnswers.For(question, plan.TokenCount));
            AssistantEnd? end = null;
            var startedStream = false;
            var (sent, sentMs) = (Stopwatch.GetTimestamp(), StreamTally.NowMs());
            await foreach (var message in client.StreamAnswerAsync(plan.ConversationId(answer), question, cancellationToken))
            {
                switch (message)
                {
                    case AssistantStart:
                        startedStream = true;
                        break;
                    case AssistantChunk chunk:
                        if (check.Chunks == 0)
                        {
                            tally.FirstToken.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                            tally.FirstTokenProduced.Add(chunk.Timestamp - sentMs);
                        }

                        tally.ChunkLatency.Add(StreamTally.NowMs() - chunk.Timestamp);
                        check.Chunk(chunk.Seq, chunk.Delta);
                        break;
                    case AssistantEnd last:
                        end = last;
                        break;
                    case ErrorMessage error:
                        tally.Fail($"client {plan.Client} answer {answer}: error {error.Code}: {error.Message}");
                        break;
                }
            }

            tally.Chunks += check.Chunks;
            if (!startedStream || end is null)
            {
                tally.Fail($"client {plan.Client} answer {answer}: the stream ended without {(startedStream ? "assistant.end" : "assistant.start")}");
            }
            else if (end.FinishReason != FinishReason.Stop)
            {
                tally.Fail($"client {plan.Client} answer {answer}: finished with {end.FinishReason}");
            }
            else if (check.Complete(end.FullContent, end.ChunkCount) is { } failure)
            {
                tally.Fail($"client {plan.Client} answer {answer}: {failure}");
            }
            else
            {
                tally.Answers++;
                tally.Tokens += end.Usage.CompletionTokens;
            }
        }
    }
}
