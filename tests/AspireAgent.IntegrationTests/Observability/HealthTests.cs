using System.Net;
using AspireAgent.IntegrationTests.Infrastructure;

namespace AspireAgent.IntegrationTests.Observability;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_turns_degraded_at_80_percent_of_capacity_and_unhealthy_at_95()
    {
        await using var gateway = await TestGateway.StartAsync(
            new Dictionary<string, string?> { ["Gateway:MaxConnections"] = "20" }, withWorker: false, withServiceDefaults: true);
        using var http = new HttpClient { BaseAddress = gateway.HttpBase };
        var clients = new List<WireClient>();
        try
        {
            async Task<(HttpStatusCode, string)> HealthWithAsync(int connections)
            {
                while (clients.Count < connections)
                {
                    clients.Add(await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri));
                }

                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
                return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            }

            Assert.Equal((HttpStatusCode.OK, "Healthy"), await HealthWithAsync(15));
            Assert.Equal((HttpStatusCode.OK, "Degraded"), await HealthWithAsync(16));
            Assert.Equal((HttpStatusCode.OK, "Degraded"), await HealthWithAsync(18));
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await HealthWithAsync(19));

            using var alive = await http.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
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
