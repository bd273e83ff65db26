using System.Collections.Concurrent;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Connections;

/// <summary>The connections of this node: the capacity gate, and the list graceful shutdown walks.</summary>
internal sealed class ConnectionRegistry(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new(StringComparer.Ordinal);
    private int _reserved;

    public int Count => _connections.Count;

    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _reserved) <= options.Value.MaxConnections)
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
