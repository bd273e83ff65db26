using System.Threading.Channels;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// The inbound side of one <see cref="AgentClient.StreamAnswerAsync"/> call: the messages of the answer to one
/// user message, in arrival order, through a bounded channel. Disposing it tells the router the reader left.
/// It outlives the connection it started on: after a reconnect the router resumes it from <see cref="LastSeq"/>.
/// </summary>
internal sealed class AnswerSubscription : IDisposable
{
    private readonly MessageRouter _router;
    private readonly Channel<AgentMessage> _channel;

    public AnswerSubscription(MessageRouter router, string requestId, string conversationId, int capacity)
    {
        _router = router;
        RequestId = requestId;
        ConversationId = conversationId;
        _channel = Channel.CreateBounded<AgentMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The id of the user message this subscription waits for the answer to.</summary>
    public string RequestId { get; }

    public string ConversationId { get; }

    /// <summary>Set by the router when the answer's <see cref="AssistantStart"/> arrives.</summary>
    public string? StreamId { get; internal set; }

    /// <summary>Set once the user message went out: only then can an answer still arrive after the reader left.</summary>
    public bool Sent { get; internal set; }

    /// <summary>Set by the router once the reader left; the rest of the answer is then dropped.</summary>
    public bool Abandoned { get; internal set; }

    /// <summary>The seq of the last chunk accepted for the reader (−1 before any): where a resume continues from.</summary>
    public long LastSeq { get; internal set; } = -1;

    /// <summary>Followed by stream id: the replayed start is the first the reader sees, so it is delivered, not dropped.</summary>
    internal bool AwaitsReplayedStart { get; set; }

    /// <summary>How many gaps this answer has had repaired by resuming.</summary>
    internal int Gaps { get; set; }

    /// <summary>The highest seq the reader has taken (or the application acknowledged), −1 before any.</summary>
    internal long Taken { get; set; } = -1;

    /// <summary>The highest seq acknowledged on the current connection, −1 before any.</summary>
    internal long AckSent { get; set; } = -1;

    /// <summary>When the oldest taken-but-unacknowledged chunk was taken; null when none is.</summary>
    internal DateTimeOffset? AckPendingSince { get; set; }

    public ChannelReader<AgentMessage> Reader => _channel.Reader;

    /// <summary>
    /// Waits for room when the reader is behind. Returns without delivering when the reader left, since the
    /// message then belongs to no one but must not be reported as unhandled either.
    /// </summary>
    internal async ValueTask DeliverAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        while (await _channel.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_channel.Writer.TryWrite(message))
            {
                return;
            }
        }
    }

    internal void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);

    public void Dispose() => _router.Release(this);
}
