using System.Diagnostics;
using AspireAgent.LoadTool.Verification;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.LoadTool.Scenarios.Streaming;

/// <summary>One SignalR client (HubConnection, MessagePack, WebSockets) streaming the peer's answers and checking each.</summary>
internal static class SignalRStreamer
{
    public static async Task<HubConnection> ConnectAsync(Uri hub, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, HttpTransportType.WebSockets, options => options.SkipNegotiation = true)
            .AddMessagePackProtocol()
            .Build();
        try
        {
            await connection.StartAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static async Task RunAsync(HubConnection connection, StreamPlan plan, StreamTally tally, CancellationToken cancellationToken)
    {
        for (var answer = 0; plan.MayStart(answer); answer++)
        {
            var question = plan.Question(answer);
            var check = new AnswerCheck(ExpectedAnswers.For(question, plan.TokenCount));
            var (sent, sentMs) = (Stopwatch.GetTimestamp(), StreamTally.NowMs());
            await foreach (var chunk in connection.StreamAsync<PeerChunk>("Answer", question, cancellationToken))
            {
                if (check.Chunks == 0)
                {
                    tally.FirstToken.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    tally.FirstTokenProduced.Add(chunk.Timestamp - sentMs);
                }

                tally.ChunkLatency.Add(StreamTally.NowMs() - chunk.Timestamp);
                check.Chunk(chunk.Seq, chunk.Delta);
            }

            tally.Chunks += check.Chunks;

            // A hub stream has no end message: the text itself must equal the model's, token for token.
            if (check.Complete(fullContent: null, chunkCount: null) is { } failure)
            {
                tally.Fail($"client {plan.Client} answer {answer}: {failure}");
            }
            else
            {
                tally.Answers++;
                tally.Tokens += plan.TokenCount;
            }
        }
    }
}
