using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Hosting;

/// <summary>
/// Bound from the <c>Gateway</c> section, beside <see cref="Options.GatewayOptions"/>: how the node's listen
/// sockets are bound. Its own class because it is read by the transport, before any gateway service exists.
/// </summary>
public sealed class ReusePortOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Binds every Kestrel listen socket with SO_REUSEPORT, so that several gateway processes listen on one
    /// port and the kernel spreads new connections among them (one process stays under its descriptor limit).
    /// Linux only: elsewhere the node refuses to start rather than run as a single listener unnoticed.
    /// </summary>
    public bool ReusePort { get; set; }
}

/// <summary>Fails the start on an OS whose SO_REUSEPORT does not balance connections between listeners.</summary>
internal sealed class ReusePortOptionsValidation(bool isLinux) : IValidateOptions<ReusePortOptions>
{
    public ValidateOptionsResult Validate(string? name, ReusePortOptions options) =>
        options.ReusePort && !isLinux
            ? ValidateOptionsResult.Fail(
                "Gateway:ReusePort is Linux only: Windows has no SO_REUSEPORT and macOS/BSD give every connection to one listener. "
                + "Turn it off and run one process per port behind a load balancer (docs/scaling.md).")
            : ValidateOptionsResult.Success;
}
