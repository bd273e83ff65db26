using System.ComponentModel.DataAnnotations;

namespace AspireAgent.SignalRPeer.Hosting;

/// <summary>
/// Bound from <c>Peer</c>. The load tool sets the keep-alive to the gateway's heartbeat interval so both servers
/// spend the same number of liveness frames per connection.
/// </summary>
public sealed class PeerOptions
{
    public const string SectionName = "Peer";

    [Required, RegularExpression("^/.*")]
    public string Path { get; set; } = "/hub";

    /// <summary>Server ping interval (SignalR's default is 15 s; the gateway's heartbeat default is 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Silence after which the server drops a client; the gateway's equivalent is interval + pong timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan ClientTimeoutInterval { get; set; } = TimeSpan.FromSeconds(40);
}
