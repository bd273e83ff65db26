using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>Heartbeats over a real socket, on the server's fake clock: no test waits 30 s.</summary>
public sealed class HeartbeatTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static async Task<(TestGateway Gateway, FakeTimeProvider Time)> StartAsync(string strategy = "fixed")
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var gateway = await TestGateway.StartAsync(
            new Dictionary<string, string?> { ["Gateway:Heartbeat:Strategy"] = strategy }, time, withWorker: false);
        return (gateway, time);
    }

    private static async Task<ControlMessage> NextPingAsync(WireClient client) =>
        await client.ReceiveAsync<ControlMessage>(m => m is ControlMessage { Action: ControlActions.Ping });

    [Theory]
    [InlineData("fixed")]
    [InlineData("adaptive")]
    [InlineData("on-demand")]
    public async Task The_server_pings_after_30_seconds_and_not_before(string strategy)
    {
        var (gateway, time) = await StartAsync();
        await using var _ = gateway;
        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri);
        var welcome = await client.HelloAsync(heartbeat: strategy);
        Assert.Equal(strategy, welcome.Get(ControlKeys.Heartbeat));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(await client.StaysQuietAsync(Quiet));

        time.Advance(TimeSpan.FromSeconds(1));
        var ping = await NextPingAsync(client);
        Assert.NotNull(ping);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), ping.Timestamp);
    }

    [Fact]
    public async Task Fixed_keeps_pinging_every_30_seconds_while_the_peer_answers()
    {
        var (gateway, time) = await StartAsync();
        await using var _ = gateway;
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        for (var beat = 1; beat <= 3; beat++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            var ping = await NextPingAsync(client);
            Assert.NotNull(ping);
            await client.SendAsync(client.Control(ControlActions.Pong, new Dictionary<string, string> { [ControlKeys.ReplyTo] = ping.Id }));
            // Let the server read the pong before the clock moves on.
            await client.SendAsync(client.Control(ControlActions.Ping));
            await client.ReceiveAsync<ControlMessage>(m => m is ControlMessage { Action: ControlActions.Pong });
        }

        Assert.Null(client.CloseStatus);
    }

    [Fact]
    public async Task Connections_beating_at_one_instant_share_its_ping_and_the_next_beat_is_a_new_one()
    {
        var (gateway, time) = await StartAsync();
        await using var _ = gateway;
        await using var first = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        await using var second = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        time.Advance(TimeSpan.FromSeconds(30));
        var (a, b) = (await NextPingAsync(first), await NextPingAsync(second));
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), a.Timestamp);
        foreach (var (client, ping) in new[] { (first, a), (second, b) })
        {
            await client.SendAsync(client.Control(ControlActions.Pong, new Dictionary<string, string> { [ControlKeys.ReplyTo] = ping.Id }));

            // Let the server read the pong before the clock moves on.
            await client.SendAsync(client.Control(ControlActions.Ping));
            await client.ReceiveAsync<ControlMessage>(m => m is ControlMessage { Action: ControlActions.Pong });
        }

        time.Advance(TimeSpan.FromSeconds(30));
        var next = await NextPingAsync(first);
        Assert.NotEqual(a.Id, next.Id);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), next.Timestamp);
    }

    [Fact]
    public async Task A_peer_that_misses_its_pong_is_closed_with_4001_at_the_deadline()
    {
        var (gateway, time) = await StartAsync();
        await using var _ = gateway;
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(await NextPingAsync(client));

        time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.True(await client.StaysQuietAsync(Quiet));
        Assert.Null(client.CloseStatus);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await client.ReceiveUntilClosedAsync();
        Assert.Equal(CloseCodes.HeartbeatTimeout, client.CloseStatus);
    }

    [Fact]
    public async Task Application_strategy_never_pings_and_closes_a_client_silent_for_40_seconds()
    {
        var (gateway, time) = await StartAsync("application");
        await using var _ = gateway;
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        time.Advance(TimeSpan.FromSeconds(39));
        Assert.True(await client.StaysQuietAsync(Quiet));
        Assert.Null(client.CloseStatus);

        time.Advance(TimeSpan.FromSeconds(1));
        await client.ReceiveUntilClosedAsync();
        Assert.Equal(CloseCodes.HeartbeatTimeout, client.CloseStatus);
    }
}
