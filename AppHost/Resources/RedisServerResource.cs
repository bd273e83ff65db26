using Aspire.Hosting.ApplicationModel;

namespace AspireAgent.AppHost.Resources;

/// <summary>redis-server from PATH as an executable resource: the bus without a container runtime.</summary>
public sealed class RedisServerResource(string name, string workingDirectory)
    : ExecutableResource(name, "redis-server", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    // The loopback address, not "localhost": redis-server binds 127.0.0.1 only, and a client trying ::1 first would wait.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Endpoint.Property(EndpointProperty.Port)}");
}
