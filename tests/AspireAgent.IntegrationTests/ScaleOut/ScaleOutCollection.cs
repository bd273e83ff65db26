namespace AspireAgent.IntegrationTests.ScaleOut;

/// <summary>
/// The scale-out tests run several server processes each, and the latency benchmark measures; they run one at
/// a time, after the parallel tests, so that a 2-core machine gives them its cores and their timings mean something.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutCollection
{
    public const string Name = "ScaleOut";
}
