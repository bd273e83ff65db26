namespace AspireAgent.IntegrationTests.Client;

/// <summary>
/// The client tests run on their own, after the parallel ones: they start real chat requests, and
/// Observability/TracingTests counts every <c>chat.request</c> span in the process while it runs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClientResilienceCollection
{
    public const string Name = "Client resilience";
}
