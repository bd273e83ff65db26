using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Client;

/// <summary>The application heartbeat: the client pings, shows the heartbeat check, and gives up on a silent server.</summary>
public sealed class ApplicationHeartbeatTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_client_pings_every_interval_and_is_in_heartbeat_check_until_the_pong()
    {
        var ping = new TaskCompletionSource<ControlMessage>();
        var answer = new TaskCompletionSource();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.ExpectHelloAsync();
            await connection.WelcomeAsync(heartbeat: "application", heartbeatIntervalMs: 1000);
            var received = await connection.ExpectControlAsync(ControlActions.Ping);
            ping.SetResult(received);
            await answer.Task;
            await connection.SendAsync(new ControlMessage
            {
                Id = MessageIds.New(), Timestamp = 1, Action = ControlActions.Pong,
                Payload = new Dictionary<string, string> { [ControlKeys.ReplyTo] = received.Id },
            });
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time, o => o.Heartbeat = HeartbeatHint.Application);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);
        Assert.Equal(("application", TimeSpan.FromSeconds(1)), (client.Heartbeat, client.HeartbeatInterval));

        time.Advance(TimeSpan.FromSeconds(1));
        await ping.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await probe.WaitForAsync(AgentConnectionState.HeartbeatCheck);
        Assert.True(client.IsOpen);

        answer.SetResult();
        await probe.WaitForAsync(AgentConnectionState.Connected, times: 2);
        Assert.Equal(
            [AgentConnectionState.Connecting, AgentConnectionState.Connected, AgentConnectionState.HeartbeatCheck, AgentConnectionState.Connected],
            probe.States);
    }

    [Fact]
    public async Task A_server_silent_past_the_deadline_counts_as_lost_and_the_client_reconnects()
    {
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.ExpectHelloAsync();
            await connection.WelcomeAsync(heartbeat: "application", heartbeatIntervalMs: 1000);
            await connection.ListenUntilGoneAsync(); // never answers a ping
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time, o => (o.Heartbeat, o.HeartbeatTimeout) = (HeartbeatHint.Application, TimeSpan.FromMilliseconds(500)));
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        time.Advance(TimeSpan.FromSeconds(1));
        await probe.WaitForAsync(AgentConnectionState.HeartbeatCheck);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var scheduled = await probe.NextScheduledAsync();

        Assert.Contains("heartbeat", scheduled.Reason, StringComparison.Ordinal);
        Assert.Equal(
            [AgentConnectionState.Connecting, AgentConnectionState.Connected, AgentConnectionState.HeartbeatCheck,
             AgentConnectionState.Abnormal, AgentConnectionState.Reconnecting],
            probe.States);
    }
}
