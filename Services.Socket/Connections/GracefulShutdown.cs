using AspireAgent.Protocol;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// On shutdown every client is told 1001 (going away) so it reconnects to another node at once and resumes,
/// instead of discovering a dead TCP connection by timeout. Runs before Kestrel stops, because hosted
/// services stop in reverse order of registration and the server registered first.
/// </summary>
internal sealed class GracefulShutdown(
    ConnectionRegistry registry,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<GracefulShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var connections = registry.Snapshot();
        if (connections.Count == 0)
        {
            return;
        }

        logger.ShuttingDown(connections.Count);
        foreach (var connection in connections)
        {
            connection.RequestClose(CloseCodes.GoingAway, "server shutting down");
        }

        // Each connection aborts itself after CloseTimeout; wait for that, a little longer at most.
        try
        {
            await Task.WhenAll(connections.Select(c => c.Finished))
                .WaitAsync(options.Value.CloseTimeout + TimeSpan.FromSeconds(1), time, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.ShutdownTimedOut(registry.Count);
        }
    }
}
