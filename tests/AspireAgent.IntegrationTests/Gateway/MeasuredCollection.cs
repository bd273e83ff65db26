namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>
/// Tests that measure (first-token latency, memory) while driving hundreds of clients: they run one at a time,
/// after the parallel tests, so that their figures are not another test's load, and their load is no other's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredCollection
{
    public const string Name = "Measured";
}
