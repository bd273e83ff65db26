namespace AspireAgent.LoadTool.Scenarios.Scale;

/// <summary>
/// How the connections of a scale run are spread: the same share to each client process, and each client process
/// its own source addresses, 127.0.0.x, one per <see cref="ConnectionsPerSource"/> of its share.
/// </summary>
internal sealed record ScalePlan(int Count, int Gateways, int ClientProcesses)
{
    /// <summary>
    /// A socket bound to (address, 0) takes an ephemeral port of that address before it knows where it connects,
    /// so one address gives at most ~28,000 (net.ipv4.ip_local_port_range 32768–60999); 20,000 leaves headroom.
    /// </summary>
    public const int ConnectionsPerSource = 20_000;

    /// <summary>Descriptors a process needs beyond its connections (runtime, epoll, pipes, the listen sockets).</summary>
    public const int Overhead = 500;

    public int Share(int client) => Count / ClientProcesses + (client < Count % ClientProcesses ? 1 : 0);

    public int SourcesOf(int client) => Math.Max(1, (Share(client) + ConnectionsPerSource - 1) / ConnectionsPerSource);

    public int FirstSource(int client) => 1 + Enumerable.Range(0, client).Sum(SourcesOf);

    /// <summary>What a gateway holds if the kernel's hash spreads the connections evenly, plus 5 % for its unevenness.</summary>
    public int ExpectedPerGateway => (int)Math.Ceiling(Count * 1.05 / Gateways);

    /// <exception cref="ArgumentException">A process would need more descriptors than <paramref name="limit"/>, or too many sources.</exception>
    public void Check(ulong limit)
    {
        if (Count < 1 || Gateways < 1 || ClientProcesses < 1)
        {
            throw new ArgumentException("--count, --gateways and --client-processes must be at least 1.");
        }

        if (FirstSource(ClientProcesses - 1) + SourcesOf(ClientProcesses - 1) - 1 > 254)
        {
            throw new ArgumentException("More source addresses than 127.0.0.1–127.0.0.254: use fewer, larger client processes.");
        }

        if (limit == 0)
        {
            return; // not Linux, or unknown: the connections will tell
        }

        var usable = (long)limit - Overhead;
        if (Share(0) > usable)
        {
            throw new ArgumentException(
                $"{Share(0)} connections per client process exceed the {limit} descriptors a process may open: --client-processes {(Count + usable - 1) / usable} or more.");
        }

        if (ExpectedPerGateway > usable)
        {
            throw new ArgumentException(
                $"~{ExpectedPerGateway} connections per gateway exceed the {limit} descriptors a process may open: --gateways {(long)Math.Ceiling(Count * 1.05 / usable)} or more.");
        }
    }
}
