using AspireAgent.Protocol;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// On shutdown every client is told 1001 (going away) so it reconnects to another node at once and resumes,
/// instead of discovering a dead TCP connection by timeout. It runs in <c>StoppingAsync</c>, which the host
/// calls before any service's <c>StopAsync</c>: Kestrel's own stop would otherwise wait on the open sockets.
/// </summary>
internal sealed class GracefulShutdown(
    ConnectionRegistry registry,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
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
