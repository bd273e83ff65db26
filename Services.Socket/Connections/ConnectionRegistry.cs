using System.Collections.Concurrent;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Connections;

/// <summary>The connections of this node: the capacity gate, and the list graceful shutdown walks.</summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new(StringComparer.Ordinal);
    private readonly IOptions<GatewayOptions> _options;
    private int _reserved;

    public ConnectionRegistry(IOptions<GatewayOptions> options, GatewayMetrics metrics)
    {
        _options = options;
        metrics.Meter.CreateObservableGauge("aspireagent.gateway.outbound.queued", () => _connections.Values.Sum(c => (long)c.Queued),
            "{message}", "Frames waiting in the outbound lanes of all connections of this node.");
        metrics.Meter.CreateObservableGauge("aspireagent.gateway.connections.capacity", () => (long)options.Value.MaxConnections,
            "{connection}", "The connection limit of this node (Gateway:MaxConnections), for capacity alerts.");
    }

    public int Count => _connections.Count;

    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _reserved) <= _options.Value.MaxConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _reserved);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _reserved);

    public void Add(ClientConnection connection) => _connections[connection.ConnectionId] = connection;

    public void Remove(ClientConnection connection) => _connections.TryRemove(connection.ConnectionId, out _);

    public IReadOnlyCollection<ClientConnection> Snapshot() => _connections.Values.ToArray();
}
