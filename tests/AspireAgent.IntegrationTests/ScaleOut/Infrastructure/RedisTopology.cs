namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>The Redis a scale-out test runs on: the scale-out tests run on each, as theory data.</summary>
public enum RedisTopology
{
    /// <summary>One redis-server.</summary>
    Single,

    /// <summary>A three-master Redis Cluster (no replicas): each key lives on the master owning its slot.</summary>
    Cluster,
}
