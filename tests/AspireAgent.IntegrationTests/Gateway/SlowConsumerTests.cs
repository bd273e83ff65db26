using AspireAgent.Bus.Memory;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Socket.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.IntegrationTests.Gateway;

public sealed class SlowConsumerTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_closed_as_a_slow_consumer_and_its_stream_survives_for_resume()
    {
        const int laneCapacity = 8;
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Simulated:TokensPerSecond"] = "100000",
            ["Inference:Simulated:TokenCount"] = "200000",
            ["Inference:Batching:MaxChars"] = "512",
            ["Gateway:OutboundLaneCapacity"] = laneCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:SlowConsumerTimeout"] = "00:00:00.500",
        }, socketSendBufferBytes: 8 * 1024);
        var registry = gateway.Services.GetRequiredService<ConnectionRegistry>();
        var streams = gateway.Services.GetRequiredService<MemoryStreamStore>();

        await using var stalled = await StalledClient.ConnectAsync(gateway.WebSocketUri);
        await stalled.AskAndStallAsync("conv-stalled", "Write forever.");

        // While it is connected, its outbound queue never holds more than the lanes allow.
        var closed = false;
        var maxQueued = 0;
        for (var round = 0; round < 300 && !closed; round++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
            var connection = registry.Snapshot().SingleOrDefault();
            closed = connection is null || connection.CloseStatus is not null;
            maxQueued = Math.Max(maxQueued, connection?.Queued ?? 0);
        }

        Assert.True(closed, "the stalled client was never closed");
        Assert.InRange(maxQueued, 0, 4 * laneCapacity);
        var streamId = streams.LatestOf("conv-stalled")!;

        // The stream lives on in the bus, paused at the producer (nothing acknowledged what the socket did
        // not take) rather than ended: its owner can resume it from any node.
        var events = streams.Snapshot(streamId);
        Assert.IsType<AssistantStart>(events[0]);
        Assert.True(events.Count > laneCapacity);
        Assert.IsNotType<AssistantEnd>(events[^1]);
    }
}
