using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// The Redis Streams bus, bound from <c>Bus:Redis</c>. It is chosen when the connection string
/// <c>ConnectionStrings:{ConnectionName}</c> is set (Aspire injects <c>ConnectionStrings__redis</c>).
/// </summary>
public sealed class RedisBusOptions
{
    public const string SectionName = "Bus:Redis";

    /// <summary>The most shards <see cref="RequestQueueShards"/> may name.</summary>
    public const int MaxRequestQueueShards = 256;

    /// <summary>The name of the connection string to read, in StackExchange.Redis form (<c>host:port,password=…</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    public string ConnectionName { get; set; } = "redis";

    /// <summary>Prefix of every key and channel, so that several deployments can share one Redis.</summary>
    [Required(AllowEmptyStrings = false), RegularExpression(@"^[A-Za-z0-9:_.\-]{1,64}$")]
    public string KeyPrefix { get; set; } = "aspireagent:";

    /// <summary>
    /// Whether a stream's live events and signals use sharded pub/sub (<c>SPUBLISH</c>/<c>SSUBSCRIBE</c>, Redis
    /// 7.0 and later). On a Redis Cluster each message then stays on the shard that owns its stream, rather than
    /// being broadcast to every node, which is what lets live delivery grow with the shards. Turn it off only
    /// for a Redis older than 7.0.
    /// </summary>
    public bool ShardedPubSub { get; set; } = true;

    /// <summary>
    /// Redis streams the request queue is spread over (see docs/distributed.md). On a Redis Cluster each lives on
    /// the master owning its slot, so submissions and takes spread over the masters instead of pinning one.
    /// It can be changed on a running system: consumers go on reading the shards of every count used before
    /// (<see cref="RequestQueueLayouts"/>), so no waiting request is stranded.
    /// </summary>
    [Range(1, MaxRequestQueueShards)]
    public int RequestQueueShards { get; set; } = 8;

    /// <summary>The consumer group of the workers on each shard of the request queue.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ConsumerGroup { get; set; } = "inference";

    /// <summary>
    /// A request whose worker has not renewed its lease for this long is taken over by another worker. The
    /// time a dead worker's answers stand still before they resume on another one.
    /// </summary>
    [TimeSpanRange("00:00:00.200", "01:00:00")]
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker renews the leases of the answers it is generating; well under <see cref="ClaimTimeout"/>.</summary>
    [TimeSpanRange("00:00:00.050", "00:20:00")]
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an idle consumer looks for requests whose worker died (new requests wake it at once).</summary>
    [TimeSpanRange("00:00:00.050", "00:10:00")]
    public TimeSpan ClaimCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a live reader goes without any notification before it checks the stream itself: a silence of one to
    /// two of these periods (one timer per reader, looked at once a period). Pub/sub is at-most-once; this bounds
    /// the delay a lost notification can cause (a reconnection triggers the check at once).
    /// A safety net, not polling: a stream that keeps streaming never triggers it.
    /// </summary>
    [TimeSpanRange("00:00:00.050", "00:10:00")]
    public TimeSpan ReaderCatchUpInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Notifications buffered per live reader; past it they are dropped and the reader catches up from the stream.</summary>
    [Range(4, 100_000)]
    public int ReaderBufferCapacity { get; set; } = 256;

    /// <summary>
    /// An acknowledgement goes to Redis once it acknowledges this many chunks beyond the last one sent for its
    /// stream (or after <see cref="AcknowledgeAfter"/>); the ones in between only raise it. Keep it well below the
    /// producer's window (<c>Inference:Backpressure:Window</c>, 64), which it shrinks by as much at most.
    /// </summary>
    [Range(1, 1024)]
    public int AcknowledgeEvery { get; set; } = 16;

    /// <summary>
    /// The longest an acknowledgement waits to be coalesced with later ones of its stream (checked twice per
    /// period): the most a producer waiting for credit can be held up by the coalescing.
    /// </summary>
    [TimeSpanRange("00:00:00.010", "00:00:05")]
    public TimeSpan AcknowledgeAfter { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long readers keep waiting for an unreachable Redis before the read fails (the client gets a retryable error).</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan OutageTolerance { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stream that never ends (every producer died, Redis lost the request) is kept.</summary>
    [TimeSpanRange("00:01:00", "7.00:00:00")]
    public TimeSpan OpenStreamTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Events read from the log per round trip when a reader reads it (from its position, or after a gap).</summary>
    [Range(1, 10_000)]
    public int ReadBatchSize { get; set; } = 256;
}
