using AspireAgent.LoadTool.Verification;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.LoadTool.Scenarios.Chaos;

/// <summary>
/// One of the chaos run's conversations: a resilient <see cref="AgentClient"/> through the load balancer asking
/// one question after another (each on a fresh conversation, so the simulated model's answer is known) and
/// sorting every answer into whole, explicit error, duplicated, altered or lost. A client that failed is
/// replaced by a new one, as an application would.
/// </summary>
internal sealed class ChaosConversation(int id, ChaosPlan plan, ChaosTally tally)
{
    public async Task RunAsync(CancellationToken stopAsking, CancellationToken hardStop)
    {
        AgentClient? client = null;
        try
        {
            for (var question = 0; !stopAsking.IsCancellationRequested; question++)
            {
                client ??= await ConnectAsync(stopAsking);
                if (client is null)
                {
                    return;
                }

                if (!await WaitOpenAsync(client, stopAsking))
                {
                    // Still reconnecting after its own retries: start over with a new client, as an application would.
                    await client.DisposeAsync();
                    client = null;
                    continue;
                }

                if (!await AskAsync(client, question, hardStop))
                {
                    await client.DisposeAsync();
                    client = null;
                }

                await PauseAsync(plan.Think, stopAsking);
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <returns>Whether the client can ask again.</returns>
    private async Task<bool> AskAsync(AgentClient client, int number, CancellationToken hardStop)
    {
        var conversationId = $"chaos-{plan.RunId}-{id}-{number}";
        var content = $"chaos question {number} from conversation {id}";
        var expected = ExpectedAnswers.For(content, plan.TokenCount);
        var check = new AnswerCheck(expected);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(hardStop);
        deadline.CancelAfter(plan.AnswerTimeout);
        AssistantEnd? end = null;
        ErrorMessage? error = null;
        tally.Ask();
        try
        {
            await foreach (var message in client.StreamAnswerAsync(conversationId, content, deadline.Token))
            {
                switch (message)
                {
                    case AssistantChunk chunk:
                        check.Chunk(chunk.Seq, chunk.Delta);
                        break;
                    case ControlMessage { Action: ControlActions.Reset }:
                        check.Reset();
                        tally.Reset();
                        break;
                    case AssistantEnd last:
                        end = last;
                        break;
                    case ErrorMessage refused:
                        error = refused;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            tally.Lost.Enqueue($"{conversationId}: no end or error within {plan.AnswerTimeout.TotalSeconds:0} s ({check.Chunks} chunks)");
            return false;
        }
        catch (AgentConnectionException ex)
        {
            tally.Error(ex switch
            {
                AnswerLostException => "client:answer_lost",
                StreamGapException => "client:stream_gap",
                _ when ex.CloseStatus is { } status => $"client:closed_{(int)status}",
                _ => "client:connection_failed",
            });
            return false;
        }
        catch (InvalidOperationException)
        {
            // "Cannot send while Reconnecting": the question never left; the application would say so.
            tally.Error("client:not_connected");
            return false;
        }

        Sort(conversationId, expected, check, end, error);
        return true;
    }

    private void Sort(string conversationId, string expected, AnswerCheck check, AssistantEnd? end, ErrorMessage? error)
    {
        if (error is not null)
        {
            tally.Error(error.Code);
        }
        else if (end is null)
        {
            tally.Lost.Enqueue($"{conversationId}: the stream ended with neither assistant.end nor error ({check.Chunks} chunks)");
        }
        else if (end.FinishReason != FinishReason.Stop)
        {
            tally.Error($"finish:{end.FinishReason.ToString().ToLowerInvariant()}");
        }
        else if (check.Complete(end.FullContent, end.ChunkCount) is { } failure)
        {
            // A repeated seq, or the answer's text twice over (a takeover that appended instead of replacing).
            var repeated = failure.StartsWith("duplicate", StringComparison.Ordinal)
                || check.Text.IndexOf(expected, StringComparison.Ordinal) != check.Text.LastIndexOf(expected, StringComparison.Ordinal);
            var queue = repeated ? tally.Duplicated : tally.Altered;
            queue.Enqueue($"{conversationId} ({end.StreamId}): {failure}");
        }
        else
        {
            tally.AnsweredWhole();
        }
    }

    private async Task<AgentClient?> ConnectAsync(CancellationToken stopAsking)
    {
        while (!stopAsking.IsCancellationRequested)
        {
            var client = new AgentClient(new AgentClientOptions
            {
                Endpoint = plan.Endpoint,
                Encoding = plan.Encoding,
                HandshakeTimeout = TimeSpan.FromSeconds(30),
            });
            try
            {
                await client.ConnectAsync(stopAsking);
                return client;
            }
            catch (Exception ex) when (ex is AgentConnectionException or System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException)
            {
                await client.DisposeAsync();
                if (ex is not OperationCanceledException)
                {
                    tally.ConnectFailed();
                }

                await PauseAsync(TimeSpan.FromSeconds(1), stopAsking);
            }
        }

        return null;
    }

    /// <summary>A question is only asked on an open connection; the client reconnects by itself after a kill.</summary>
    private static async Task<bool> WaitOpenAsync(AgentClient client, CancellationToken stopAsking)
    {
        for (var waited = 0; !client.IsOpen; waited++)
        {
            if (waited >= 600 || stopAsking.IsCancellationRequested || client.State is AgentConnectionState.Failed or AgentConnectionState.Closed)
            {
                return false;
            }

            await PauseAsync(TimeSpan.FromMilliseconds(50), stopAsking);
        }

        return true;
    }

    private static async Task PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(pause, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>What every conversation of one chaos run shares.</summary>
internal sealed record ChaosPlan(string RunId, Uri Endpoint, WireEncoding Encoding, int TokenCount, TimeSpan Think, TimeSpan AnswerTimeout);
