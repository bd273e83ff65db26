using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Socket.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>What an idle connection keeps booked on the node's one shared timer, on a fake clock.</summary>
public sealed class IdleConnectionTimersTests
{
    private const int Clients = 3;

    [Fact]
    public async Task An_idle_connection_books_only_its_heartbeat_once_its_handshake_deadline_passed()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await TestGateway.StartAsync(time: time, withWorker: false);
        var timers = gateway.Services.GetRequiredService<ConnectionTimers>();
        var clients = new List<WireClient>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                var client = await WireClient.ConnectAsync(gateway.WebSocketUri);
                clients.Add(client);
                await client.HelloAsync();
            }

            // Each: its heartbeat, its handshake deadline (due at 10 s), and the slow-consumer check its welcome booked.
            Assert.InRange(timers.Count, 2 * Clients, 3 * Clients);

            // Past the handshake deadline, well before the first ping (30 s): the welcomes are written, nothing is
            // owed, so the slow-consumer checks stopped booking themselves.
            var elapsed = TimeSpan.Zero;
            while (elapsed < TimeSpan.FromSeconds(25) && (elapsed <= TimeSpan.FromSeconds(10) || timers.Count != Clients))
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
                elapsed += TimeSpan.FromMilliseconds(500);
                await Task.Delay(5, ct);
            }

            Assert.Equal(Clients, timers.Count);
            foreach (var client in clients)
            {
                Assert.True(await client.StaysQuietAsync(TimeSpan.FromMilliseconds(100)));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
