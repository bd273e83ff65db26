using System.Threading.Channels;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// The inbound side of one <see cref="AgentClient.StreamAnswerAsync"/> call: the messages of the answer to one
/// user message, in arrival order, through a bounded channel. Disposing it tells the router the reader left.
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
