using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Socket;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>
/// <c>Gateway:ReusePort</c>: two gateway hosts bound to one port over real sockets, the way N gateway processes
/// share a port on one machine (docs/scaling.md). Each host is a separate Kestrel with its own listen socket.
/// </summary>
public sealed class ReusePortTests
{
    // The kernel hashes each connection's 4-tuple to a listener: with two listeners, the chance that this many
    // connections from distinct source ports all land on one of them is 2^-63.
    private const int Connections = 64;

    [Fact]
    public async Task Two_gateways_on_one_port_both_accept_and_answer()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "SO_REUSEPORT balancing is Linux only.");
        var port = FreePort.Next();
        await using var a = await StartAsync(port, "node-a", reusePort: true);
        await using var b = await StartAsync(port, "node-b", reusePort: true);

        var welcomedBy = new Dictionary<string, int>();
        var uri = new Uri($"ws://127.0.0.1:{port}/ws");
        for (var i = 0; i < Connections; i++)
        {
            await using var client = await WireClient.ConnectAsync(uri);
            var welcome = await client.HelloAsync();
            var node = welcome.Get(ControlKeys.Node) ?? "(none)";
            welcomedBy[node] = welcomedBy.GetValueOrDefault(node) + 1;
        }

        Assert.Equal(["node-a", "node-b"], welcomedBy.Keys.Order());
        Assert.Equal(Connections, welcomedBy.Values.Sum());
    }

    [Fact]
    public async Task Without_it_a_second_gateway_cannot_bind_the_port()
    {
        var port = FreePort.Next();
        await using var a = await StartAsync(port, "node-a", reusePort: false);

        var refused = await Assert.ThrowsAnyAsync<IOException>(() => StartAsync(port, "node-b", reusePort: false));

        Assert.IsType<AddressInUseException>(refused.InnerException);
    }

    [Fact]
    public async Task A_gateway_with_it_still_refuses_a_port_held_without_it()
    {
        // SO_REUSEPORT only shares a port among sockets that all set it: it cannot steal a plain listener's port.
        var port = FreePort.Next();
        await using var plain = await StartAsync(port, "node-a", reusePort: false);

        var refused = await Assert.ThrowsAnyAsync<IOException>(() => StartAsync(port, "node-b", reusePort: true));

        Assert.IsType<AddressInUseException>(refused.InnerException);
    }

    private static async Task<WebApplication> StartAsync(int port, string node, bool reusePort)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:ReusePort"] = reusePort ? "true" : "false",
            ["Gateway:NodeId"] = node,
        });
        builder.AddAgentBus();
        builder.AddSocketGateway();
        var app = builder.Build();
        app.MapSocketGateway();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}
