using System.Net.WebSockets;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Client;

/// <summary>Reconnect against a scripted gateway, on a test clock: the schedule, the limit, the close codes.</summary>
public sealed class ReconnectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dropped_connection_is_reopened_after_the_backoff_with_the_identity_of_the_last_welcome()
    {
        var drop = new TaskCompletionSource();
        var hellos = new List<ControlMessage>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            // Recorded before the welcome goes out: the client is Connected (and the test reads the list) once it has it.
            var hello = await connection.ExpectHelloAsync();
            lock (hellos)
            {
                hellos.Add(hello);
            }

            await connection.WelcomeAsync(token: $"token-{connection.Index + 1}");
            if (connection.Index == 0)
            {
                await drop.Task;
                connection.Drop();
                return;
            }

            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time, o => o.IdentityToken = "token-0");
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        drop.SetResult();
        var scheduled = await probe.NextScheduledAsync();

        Assert.Equal(AgentConnectionState.Reconnecting, client.State);
        Assert.Equal((1, 10), (scheduled.Attempt, scheduled.MaxAttempts));
        Assert.InRange(scheduled.RemainingAt(time.GetUtcNow()), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.Contains("connection lost", scheduled.Reason, StringComparison.Ordinal);
        Assert.Same(scheduled, client.Reconnect);

        time.AdvanceTo(scheduled);
        await probe.WaitForAsync(AgentConnectionState.Connected, times: 2);

        Assert.Equal(
            [AgentConnectionState.Connecting, AgentConnectionState.Connected, AgentConnectionState.Abnormal,
             AgentConnectionState.Reconnecting, AgentConnectionState.Connected],
            probe.States);
        Assert.Null(client.Reconnect);
        lock (hellos)
        {
            Assert.Equal(["token-0", "token-1"], hellos.Select(h => h.Get(ControlKeys.Token)));
        }

        Assert.Equal("token-2", client.IdentityToken);
    }

    [Fact]
    public async Task After_the_retry_limit_the_client_fails_and_says_why()
    {
        var drop = new TaskCompletionSource();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.ExpectHelloAsync();
            if (connection.Index > 0)
            {
                // Every attempt gets a retryable refusal in the middle of its handshake.
                await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, "busy", Ct);
                await connection.ListenUntilGoneAsync();
                return;
            }

            await connection.WelcomeAsync();
            await drop.Task;
            connection.Drop();
        });
        var time = new FakeTimeProvider();
        var options = new ReconnectOptions { MaxAttempts = 4 };
        await using var client = TestClients.Create(gateway, time, o => o.Reconnect = options);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        drop.SetResult();
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            var scheduled = await probe.NextScheduledAsync();
            var nominal = Backoff.Nominal(options, attempt);

            Assert.Equal(attempt, scheduled.Attempt);
            Assert.InRange(scheduled.RemainingAt(time.GetUtcNow()), nominal * 0.8, nominal * 1.2);
            if (attempt > 1)
            {
                Assert.Contains("close 1011", scheduled.Reason, StringComparison.Ordinal);
            }

            time.AdvanceTo(scheduled);
        }

        await probe.WaitForAsync(AgentConnectionState.Failed);
        Assert.Contains("Gave up reconnecting after 4 attempts", client.Failure?.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
        Assert.Null(client.Reconnect);
    }

    [Theory]
    [InlineData(WebSocketCloseStatus.PolicyViolation, AgentConnectionState.Failed)]
    [InlineData(WebSocketCloseStatus.ProtocolError, AgentConnectionState.Failed)]
    [InlineData(WebSocketCloseStatus.NormalClosure, AgentConnectionState.Closed)]
    public async Task A_close_code_that_rules_out_retrying_ends_the_client_at_once(WebSocketCloseStatus code, AgentConnectionState expected)
    {
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.Socket.CloseOutputAsync(code, "no", Ct);
            await connection.ListenUntilGoneAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);
        var scheduled = 0;
        client.ReconnectChanged += _ => Interlocked.Increment(ref scheduled);

        await client.ConnectAsync(Ct);
        await probe.WaitForAsync(expected);

        Assert.Equal(0, scheduled);
        Assert.Equal(code, client.CloseStatus);
        Assert.Equal(expected == AgentConnectionState.Failed, client.Failure is not null);
    }

    [Theory]
    [InlineData(WebSocketCloseStatus.EndpointUnavailable, 0.0, 0.5)]
    [InlineData(WebSocketCloseStatus.InternalServerError, 0.8, 1.2)]
    [InlineData((WebSocketCloseStatus)4001, 0.8, 1.2)]
    [InlineData((WebSocketCloseStatus)4002, 0.8, 1.2)]
    public async Task Going_away_reconnects_at_once_and_other_server_closes_after_the_backoff(WebSocketCloseStatus code, double minSeconds, double maxSeconds)
    {
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.Socket.CloseOutputAsync(code, "bye", Ct);
                await connection.ListenUntilGoneAsync();
                return;
            }

            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);

        await client.ConnectAsync(Ct);
        var scheduled = await probe.NextScheduledAsync();

        Assert.Equal(1, scheduled.Attempt);
        Assert.InRange(scheduled.RemainingAt(time.GetUtcNow()), TimeSpan.FromSeconds(minSeconds), TimeSpan.FromSeconds(maxSeconds));
        Assert.DoesNotContain(AgentConnectionState.Abnormal, probe.States); // a close frame is not abnormal
        time.AdvanceTo(scheduled);
        await probe.WaitForAsync(AgentConnectionState.Connected, times: 2);
    }

    [Fact]
    public async Task Retry_now_skips_the_wait_and_a_failed_client_starts_over()
    {
        var drop = new TaskCompletionSource();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            switch (connection.Index)
            {
                case 0:
                    await drop.Task;
                    connection.Drop();
                    return;
                case 1:
                    await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "go away", Ct);
                    await connection.ListenUntilGoneAsync();
                    return;
                default:
                    await connection.DrainUntilClosedAsync();
                    return;
            }
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        drop.SetResult();
        await probe.NextScheduledAsync();
        await client.RetryNowAsync(Ct); // no clock advance: the attempt is made now
        await probe.WaitForAsync(AgentConnectionState.Failed);

        await client.RetryNowAsync(Ct);
        Assert.True(client.IsOpen);
        Assert.Equal(AgentConnectionState.Connected, client.State);
        Assert.Null(client.Failure);
    }

    [Fact]
    public async Task Closing_while_reconnecting_stops_the_attempts()
    {
        var attempts = 0;
        var drop = new TaskCompletionSource();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            Interlocked.Increment(ref attempts);
            await connection.AcceptAsync();
            await drop.Task;
            connection.Drop();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);
        drop.SetResult();
        await probe.NextScheduledAsync();

        await client.CloseAsync(cancellationToken: Ct);

        Assert.Equal(AgentConnectionState.Closed, client.State);
        Assert.Null(client.Failure);
        Assert.Equal(1, Volatile.Read(ref attempts));
    }
}
