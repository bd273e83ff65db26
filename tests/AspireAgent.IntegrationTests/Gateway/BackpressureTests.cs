using AspireAgent.Bus.Memory;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Socket.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>Flow control end to end: a client that acknowledges what it renders, and one that stops reading.</summary>
public sealed class BackpressureTests
{
    private const int Window = 16;
    private const int LaneCapacity = 32;

    private static Task<TestGateway> StartAsync() => TestGateway.StartAsync(new Dictionary<string, string?>
    {
        ["Inference:Simulated:TokensPerSecond"] = "5000",
        ["Inference:Simulated:TokenCount"] = "2000",
        ["Inference:Batching:MaxChars"] = "1",
        ["Inference:Backpressure:Window"] = Window.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // The gateway acknowledges in batches, which must stay below the window.
        ["Gateway:AcknowledgeEvery"] = "4",
        ["Gateway:OutboundLaneCapacity"] = LaneCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task A_client_that_never_reads_pauses_the_producer_within_its_window_and_its_ack_resumes_it()
    {
        await using var gateway = await StartAsync();
        var streams = gateway.Services.GetRequiredService<MemoryStreamStore>();
        var registry = gateway.Services.GetRequiredService<ConnectionRegistry>();
        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri);
        await client.HelloAsync(flow: ControlKeys.FlowAck);
        var question = client.UserMessage("conv-never-reads", "Write me a very long essay.");
        await client.SendAsync(question);

        // From here on the client reads nothing at all.
        var streamId = await StreamIdOfAsync(gateway, question.ConversationId);
        Assert.Equal(Window, await PausedAtAsync(streams, streamId, Window));
        var connection = Assert.Single(registry.Snapshot());
        Assert.InRange(connection.Queued, 0, LaneCapacity);

        await client.SendAsync(client.Control(ControlActions.Ack, new Dictionary<string, string>
        {
            [ControlKeys.StreamId] = streamId,
            [ControlKeys.Seq] = (Window - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));

        Assert.Equal(2 * Window, await PausedAtAsync(streams, streamId, 2 * Window));
    }

    [Fact]
    public async Task A_client_that_acknowledges_as_it_renders_gets_the_whole_answer()
    {
        await using var gateway = await StartAsync();
        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri);
        await client.HelloAsync(flow: ControlKeys.FlowAck);
        var question = client.UserMessage("conv-acks", "Write me a very long essay.");
        await client.SendAsync(question);

        var start = await client.ReceiveAsync<AssistantStart>();
        var chunks = new List<AssistantChunk>();
        AssistantEnd? end = null;
        while (end is null)
        {
            switch (await client.ReceiveAsync<AgentMessage>(m => m is AssistantChunk or AssistantEnd))
            {
                case AssistantChunk chunk:
                    chunks.Add(chunk);
                    await client.SendAsync(client.Control(ControlActions.Ack, new Dictionary<string, string>
                    {
                        [ControlKeys.StreamId] = start.StreamId,
                        [ControlKeys.Seq] = chunk.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    }));
                    break;
                case AssistantEnd e:
                    end = e;
                    break;
            }
        }

        Assert.Equal(FinishReason.Stop, end.FinishReason);
        Assert.True(chunks.Count > 10 * Window);
        Assert.Equal(end.FullContent, string.Concat(chunks.Select(c => c.Delta)));
    }

    [Fact]
    public async Task A_client_that_does_not_acknowledge_gets_the_whole_answer_through_the_gateways_batched_acknowledgements()
    {
        await using var gateway = await StartAsync();
        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri);
        await client.HelloAsync();
        var question = client.UserMessage("conv-auto-acks", "Write me a very long essay.");
        await client.SendAsync(question);

        // Without acknowledgements from the gateway the producer would stop after Window chunks and end in error.
        var (_, chunks, end) = await client.ReadAnswerAsync(question.Id);

        Assert.Equal(FinishReason.Stop, end.FinishReason);
        Assert.True(chunks.Count > 10 * Window);
        Assert.Equal(end.FullContent, string.Concat(chunks.Select(c => c.Delta)));
    }

    private static async Task<string> StreamIdOfAsync(TestGateway gateway, string conversationId)
    {
        var streams = gateway.Services.GetRequiredService<MemoryStreamStore>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (streams.LatestOf(conversationId) is { } id)
            {
                return id;
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("No stream was created.");
    }

    // Waits (bounded) for the stream to reach the expected count, then watches that it goes no further:
    // a producer that does not pause fails the second half, one that never produces fails the first.
    private static async Task<int> PausedAtAsync(MemoryStreamStore streams, string streamId, int expected)
    {
        int Count() => streams.Snapshot(streamId).OfType<AssistantChunk>().Count();
        for (var round = 0; round < 400 && Count() < expected; round++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        for (var round = 0; round < 10; round++)
        {
            await Task.Delay(30, TestContext.Current.CancellationToken);
            Assert.True(Count() <= expected, $"the producer went past {expected} chunks to {Count()}: it did not pause");
        }

        return Count();
    }
}
