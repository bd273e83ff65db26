using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.Gateway;

public sealed class StreamingTests
{
    [Theory]
    [InlineData(WireEncoding.Json)]
    [InlineData(WireEncoding.MessagePack)]
    [InlineData(WireEncoding.Protobuf)]
    public async Task A_user_message_gets_start_then_contiguous_chunks_then_an_end_with_the_full_content(WireEncoding encoding)
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, encoding);

        var question = client.UserMessage("conv-" + encoding, "Tell me about WebSockets.");
        await client.SendAsync(question);
        var answer = await client.ReadAnswerAsync(question.Id);

        Assert.Equal(question.ConversationId, answer.Start.ConversationId);
        Assert.True(answer.Start.Simulated);
        Assert.True(answer.Chunks.Count > 1, $"expected a streamed answer, got {answer.Chunks.Count} chunk(s)");
        Assert.Equal(Enumerable.Range(0, answer.Chunks.Count).Select(i => (long)i), answer.Seqs);
        Assert.All(answer.Chunks, c => Assert.Equal(answer.Start.StreamId, c.StreamId));
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal(answer.Concatenated, answer.End.FullContent);
        Assert.Equal(answer.Chunks.Count, answer.End.ChunkCount);
        Assert.NotEmpty(answer.End.FullContent);
    }

    [Fact]
    public async Task A_conversation_keeps_its_history_and_answers_one_turn_at_a_time()
    {
        // A one-second answer: the second message must find the first still streaming, even on a loaded machine.
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Simulated:TokensPerSecond"] = "100",
            ["Inference:Simulated:TokenCount"] = "100",
        });
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        var first = client.UserMessage("conv-busy", "first question");
        var second = client.UserMessage("conv-busy", "second question, too early");
        await client.SendAsync(first);
        await client.SendAsync(second);

        // The refusal (critical lane) and the first answer (normal lane) interleave in any order: read them all.
        ErrorMessage? busy = null;
        AssistantStart? start = null;
        AssistantEnd? firstEnd = null;
        while (firstEnd is null)
        {
            switch (await client.ReceiveAsync())
            {
                case ErrorMessage error when error.ReplyTo == second.Id:
                    busy = error;
                    break;
                case AssistantStart s when s.ReplyTo == first.Id:
                    start = s;
                    break;
                case AssistantEnd end when end.StreamId == start?.StreamId:
                    firstEnd = end;
                    break;
                case null:
                    Assert.Fail($"closed: {client.CloseStatus} {client.CloseDescription}");
                    break;
            }
        }

        Assert.NotNull(busy);
        Assert.Equal(ErrorCodes.ConversationBusy, busy.Code);
        Assert.True(busy.Retryable);
        Assert.Equal(FinishReason.Stop, firstEnd.FinishReason);

        var again = await client.AskAsync("conv-busy", "first question");
        Assert.Equal(FinishReason.Stop, again.End.FinishReason);
        // Same question, but the history now holds a whole turn: a deterministic model answers differently.
        Assert.NotEqual(firstEnd.FullContent, again.End.FullContent);
    }

    [Fact]
    public async Task Resume_replays_what_was_missed_after_a_seq_then_the_end()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        var original = await client.AskAsync("conv-resume", "hello");
        Assert.True(original.Chunks.Count > 3);

        await using var again = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, WireEncoding.Protobuf, client.IdentityToken);
        await again.SendAsync(again.Control(ControlActions.Resume, new Dictionary<string, string>
        {
            [ControlKeys.StreamId] = original.Start.StreamId,
            [ControlKeys.Seq] = "2",
        }));

        var replayed = new List<AssistantChunk>();
        AssistantEnd end;
        while (true)
        {
            var message = await again.ReceiveAsync<AgentMessage>(m => m is AssistantChunk or AssistantEnd);
            if (message is AssistantEnd e)
            {
                end = e;
                break;
            }

            replayed.Add((AssistantChunk)message);
        }

        Assert.Equal(original.Chunks.Skip(3), replayed);
        Assert.Equal(original.End.FullContent, end.FullContent);
    }
}
