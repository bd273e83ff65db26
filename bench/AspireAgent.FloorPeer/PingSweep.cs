using System.Globalization;

namespace AspireAgent.FloorPeer;

/// <summary>One timer for every connection: pings them all each <c>Peer:KeepAliveInterval</c> (the load tool's heartbeat setting).</summary>
internal sealed class PingSweep(FloorConnections connections, IConfiguration configuration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.Parse(configuration["Peer:KeepAliveInterval"] ?? "00:00:15", CultureInfo.InvariantCulture);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await connections.PingAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
