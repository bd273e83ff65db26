using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>
/// One question asked the way a resilient client asks it: on a node; when the connection dies, again on the
/// next node with the same identity token, resuming the stream after the last seq it has. It records
/// everything the assertions need: each seq as it came (a gap or a repeat is a violation), resets, the text
/// since the last reset, the end or terminal error, the nodes that served it and when it ended.
/// </summary>
internal sealed class ConversationRun(string conversationId, string question, int progressMark = 1)
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(30);
    private const int MaxConnections = 6;

    private readonly StringBuilder _text = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource _progressed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _streaming = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _questionId;
    private long _lastSeq = -1;

    public string ConversationId => conversationId;

    public string Question => question;

    public string? StreamId { get; private set; }

    public List<string?> Nodes { get; } = [];

    public List<string?> Identities { get; } = [];

    public List<long> Seqs { get; } = [];

    public List<string> Violations { get; } = [];

    public int Resets { get; private set; }

    /// <summary>The answer's text since its last reset: what a client shows.</summary>
    public string Text => _text.ToString();

    public AssistantEnd? End { get; private set; }

    public ErrorMessage? Error { get; private set; }

    public Exception? Failure { get; private set; }

    /// <summary>When the end (or terminal error) arrived, measured from when the run was created.</summary>
    public TimeSpan? FinishedAfter { get; private set; }

    public int Reconnections { get; private set; }

    /// <summary>Completes once <c>progressMark</c> chunks arrived (or the run finished).</summary>
    public Task Progressed => _progressed.Task;

    /// <summary>Completes once <c>assistant.start</c> arrived, when the stream can be resumed anywhere.</summary>
    public Task Streaming => _streaming.Task;

    public bool Finished => End is not null || Error is not null || Failure is not null;

    public async Task RunAsync(IReadOnlyList<Uri> nodes, int firstNode, WireEncoding encoding, CancellationToken cancellationToken)
    {
        var node = firstNode;
        string? token = null;
        AgentConnection? connection = null;
        var connections = 0;
        try
        {
            while (End is null && Error is null)
            {
                if (connection is null)
                {
                    if (++connections > MaxConnections)
                    {
                        throw new InvalidOperationException($"Gave up after {MaxConnections} connections.");
                    }

                    connection = await ConnectAsync(nodes[node % nodes.Count], token, encoding, cancellationToken);
                    if (connection is null)
                    {
                        node++;
                        continue;
                    }

                    token ??= connection.IdentityToken;
                    Nodes.Add(connection.Node);
                    Identities.Add(connection.IdentityId);
                    await StartOrResumeAsync(connection, cancellationToken);
                }

                AgentMessage? message;
                try
                {
                    message = await connection.ReceiveAsync(FrameTimeout, cancellationToken);
                }
                catch (WebSocketException)
                {
                    message = null;
                }

                if (message is null)
                {
                    if (StreamId is null)
                    {
                        throw new InvalidOperationException("The connection died before assistant.start: the stream cannot be resumed.");
                    }

                    await connection.DisposeAsync();
                    connection = null;
                    Reconnections++;
                    node++;
                    continue;
                }

                Handle(message);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failure = exception;
        }
        finally
        {
            FinishedAfter ??= _clock.Elapsed;
            _progressed.TrySetResult();
            _streaming.TrySetResult();
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public override string ToString() =>
        $"{ConversationId}: stream {StreamId}, nodes [{string.Join(",", Nodes)}], identities [{string.Join(",", Identities)}], seqs {Seqs.Count}, resets {Resets}, " +
        $"end {End?.FinishReason.ToString() ?? "none"}, error {Error?.Code ?? "none"}, failure {(Failure is null ? "none" : Failure.ToString())}, " +
        $"violations [{string.Join("; ", Violations)}]";

    private static async Task<AgentConnection?> ConnectAsync(Uri uri, string? token, WireEncoding encoding, CancellationToken cancellationToken)
    {
        try
        {
            return await AgentConnection.OpenAsync(uri, token, encoding, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or HttpRequestException or TimeoutException)
        {
            return null;
        }
    }

    private async Task StartOrResumeAsync(AgentConnection connection, CancellationToken cancellationToken)
    {
        if (StreamId is null)
        {
            var message = new UserMessage { Id = MessageIds.New(), Timestamp = AgentConnection.Now, ConversationId = conversationId, Content = question };
            _questionId = message.Id;
            await connection.SendAsync(message, cancellationToken);
            return;
        }

        var payload = new Dictionary<string, string> { [ControlKeys.StreamId] = StreamId };
        if (_lastSeq >= 0)
        {
            payload[ControlKeys.Seq] = _lastSeq.ToString(CultureInfo.InvariantCulture);
        }

        await connection.SendAsync(new ControlMessage { Id = MessageIds.New(), Timestamp = AgentConnection.Now, Action = ControlActions.Resume, Payload = payload }, cancellationToken);
    }

    private void Handle(AgentMessage message)
    {
        switch (message)
        {
            case AssistantStart start when start.ReplyTo == _questionId && StreamId is null:
                StreamId = start.StreamId;
                _streaming.TrySetResult();
                break;
            case AssistantChunk chunk when chunk.StreamId == StreamId:
                if (chunk.Seq != _lastSeq + 1)
                {
                    Violations.Add($"seq {chunk.Seq} after {_lastSeq}");
                }

                _lastSeq = Math.Max(_lastSeq, chunk.Seq);
                Seqs.Add(chunk.Seq);
                _text.Append(chunk.Delta);
                if (Seqs.Count >= progressMark)
                {
                    _progressed.TrySetResult();
                }

                break;
            case ControlMessage control when control.Get(ControlKeys.StreamId) == StreamId && StreamReset.TryRead(control, out var next):
                if (next != _lastSeq + 1)
                {
                    Violations.Add($"reset at {next} after seq {_lastSeq}");
                }

                Resets++;
                _text.Clear();
                break;
            case AssistantEnd end when end.StreamId == StreamId:
                End = end;
                FinishedAfter = _clock.Elapsed;
                break;
            case ErrorMessage error when error.ReplyTo == _questionId || StreamId is not null && error.StreamId == StreamId:
                Error = error;
                FinishedAfter = _clock.Elapsed;
                break;
        }
    }
}
