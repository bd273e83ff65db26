using System.Diagnostics;
using System.Globalization;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Socket.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>
/// Clients that stop reading mid-answer with <c>flow=ack</c>: the producer's 64-chunk window pauses the answer
/// long before any outbound lane fills, which used to leave them open for ever (issue 13).
/// </summary>
[Collection(MeasuredCollection.Name)]
public sealed class StalledReadersTests
{
    private const int Clients = 200;
    private static readonly TimeSpan SlowConsumerTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Two_hundred_clients_that_stop_reading_are_closed_with_4002_in_time_and_each_resumes_its_answer_whole()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Concurrency"] = Clients.ToString(CultureInfo.InvariantCulture),
            ["Inference:Simulated:TokensPerSecond"] = "2000",
            ["Inference:Simulated:TokenCount"] = "400",
            ["Gateway:SlowConsumerTimeout"] = SlowConsumerTimeout.ToString(),
        });
        var registry = gateway.Services.GetRequiredService<ConnectionRegistry>();
        var rssBefore = Environment.WorkingSet;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        // Each reads the start and a few chunks, then reads nothing and acknowledges nothing.
        var stalled = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async i =>
        {
            var client = await WireClient.ConnectAsync(gateway.WebSocketUri);
            await client.HelloAsync(flow: ControlKeys.FlowAck);
            var question = client.UserMessage($"stall-{i}", "Tell me a long story.");
            await client.SendAsync(question);
            var start = await client.ReceiveAsync<AssistantStart>(m => m is AssistantStart s && s.ReplyTo == question.Id);
            var first = await client.ReceiveAsync<AssistantChunk>(m => m is AssistantChunk c && c.StreamId == start.StreamId);
            return new Stalled(client, start, [first]);
        }));
        var lastStall = Stopwatch.GetTimestamp();

        // Every connection is closed (its close requested with 4002) within the timeout and 5 s of stalling.
        while (registry.Snapshot().Any(c => c.CloseStatus is null) && Stopwatch.GetElapsedTime(lastStall) < SlowConsumerTimeout + TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.All(registry.Snapshot(), c => Assert.Equal(CloseCodes.SlowConsumer, c.CloseStatus));
        // Both ends of every socket live in this process, so these bound the server's share from above.
        var rssGrowth = Environment.WorkingSet - rssBefore;
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Clients} stalled readers closed within {Stopwatch.GetElapsedTime(lastStall).TotalSeconds:F1} s of the last stall; " +
            $"working set grew {rssGrowth / 1024 / 1024} MiB, GC heap {heapGrowth / 1024 / 1024} MiB (of which {Clients} MiB are the test clients' receive buffers)");
        Assert.True(rssGrowth < 256L * 1024 * 1024, $"working set grew {rssGrowth / 1024 / 1024} MiB");

        // Each then reads what was already on its socket, sees 4002, and resumes the answer from where it stopped.
        await Task.WhenAll(stalled.Select(async s =>
        {
            await using var client = s.Client;
            foreach (var message in await client.ReceiveUntilClosedAsync())
            {
                if (message is AssistantChunk chunk && chunk.StreamId == s.Start.StreamId)
                {
                    s.Chunks.Add(chunk);
                }
            }

            Assert.Equal(CloseCodes.SlowConsumer, client.CloseStatus);
            await using var back = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, token: client.IdentityToken);
            await back.SendAsync(back.Control(ControlActions.Resume, new Dictionary<string, string>
            {
                [ControlKeys.StreamId] = s.Start.StreamId,
                [ControlKeys.Seq] = s.Chunks[^1].Seq.ToString(CultureInfo.InvariantCulture),
            }));
            var end = await back.ReadRestAsync(s.Start.StreamId, s.Chunks);

            Assert.Equal(Enumerable.Range(0, s.Chunks.Count).Select(i => (long)i), s.Chunks.Select(c => c.Seq));
            Assert.Equal(FinishReason.Stop, end.FinishReason);
            Assert.Equal(string.Concat(s.Chunks.Select(c => c.Delta)), end.FullContent);
        }));
    }

    private sealed record Stalled(WireClient Client, AssistantStart Start, List<AssistantChunk> Chunks);
}
