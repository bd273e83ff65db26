namespace AspireAgent.Protocol;

/// <summary>The closed set of <see cref="ControlMessage.Action"/> values of protocol v1.</summary>
public static class ControlActions
{
    /// <summary>Client → server, first frame of every connection. Payload: <c>token</c> (optional).</summary>
    public const string Hello = "hello";

    /// <summary>Server → client, answer to hello. Payload: <c>token</c>, <c>identity</c>, <c>node</c>, <c>encoding</c>.</summary>
    public const string Welcome = "welcome";

    /// <summary>Either side: are you there? The other side answers <see cref="Pong"/>.</summary>
    public const string Ping = "ping";

    /// <summary>Answer to <see cref="Ping"/>.</summary>
    public const string Pong = "pong";

    /// <summary>Client → server: stop generating <c>streamId</c>; the stream ends with finish reason <c>interrupted</c>.</summary>
    public const string Interrupt = "interrupt";

    /// <summary>Client → server: chunks of <c>streamId</c> up to <c>seq</c> were rendered.</summary>
    public const string Ack = "ack";

    /// <summary>Client → server: replay <c>streamId</c> after <c>seq</c>, then follow it live.</summary>
    public const string Resume = "resume";

    /// <summary>
    /// Server → client, in a stream: the answer's producer died and another took over. Drop the text of
    /// <c>streamId</c> received so far; the new attempt follows from chunk <c>seq</c> (seqs keep counting).
    /// Payload: <c>streamId</c>, <c>seq</c>, <c>attempt</c>.
    /// </summary>
    public const string Reset = "reset";

    /// <summary>Client → server: list my conversations. Answered by <c>conversation.list</c>.</summary>
    public const string ListConversations = "conversations.list";

    /// <summary>Client → server: the turns of <c>conversationId</c>. Answered by <c>conversation.history</c>.</summary>
    public const string GetConversation = "conversation.get";

    /// <summary>Client → server: delete <c>conversationId</c> and its history. Answered by <see cref="ConversationDeleted"/>.</summary>
    public const string DeleteConversation = "conversation.delete";

    /// <summary>Server → client: <c>conversationId</c> is gone. Payload: <c>conversationId</c>, <c>replyTo</c>.</summary>
    public const string ConversationDeleted = "conversation.deleted";

    public static MessagePriority PriorityOf(string action) => action switch
    {
        // Reset travels in the chunks' lane: overtaking them would drop text of the new attempt.
        Reset => MessagePriority.Normal,
        Ping or Pong or Interrupt => MessagePriority.Critical,
        Hello or Welcome or Ack or Resume => MessagePriority.High,
        _ => MessagePriority.Low,
    };
}

/// <summary>Keys used in <see cref="ControlMessage.Payload"/>.</summary>
public static class ControlKeys
{
    public const string Token = "token";
    public const string Identity = "identity";
    public const string Node = "node";
    public const string Encoding = "encoding";
    public const string StreamId = "streamId";
    public const string Seq = "seq";

    /// <summary>On <c>conversation.get</c>, <c>conversation.delete</c> and <c>conversation.deleted</c>.</summary>
    public const string ConversationId = "conversationId";

    /// <summary>On <c>reset</c>: which attempt at the answer follows (2 for the first takeover).</summary>
    public const string Attempt = "attempt";

    /// <summary>On <c>hello</c>: the heartbeat strategy the client asks for (fixed, adaptive, on-demand, application); on <c>welcome</c>: the one in force.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>On <c>welcome</c>: the heartbeat interval in milliseconds (the client's ping period under the application strategy).</summary>
    public const string HeartbeatIntervalMs = "heartbeatIntervalMs";

    /// <summary>
    /// On <c>hello</c>: <see cref="FlowAck"/> when the client will acknowledge chunks as it renders them;
    /// on <c>welcome</c>: the flow control in force (<see cref="FlowAck"/> or <see cref="FlowAuto"/>).
    /// </summary>
    public const string Flow = "flow";

    /// <summary>The client acknowledges; the producer pauses when the client falls a window behind.</summary>
    public const string FlowAck = "ack";

    /// <summary>The gateway acknowledges, cumulatively, the chunks the socket took (TCP backpressure).</summary>
    public const string FlowAuto = "auto";

    /// <summary>On <c>welcome</c> and <c>pong</c>: the id of the message answered.</summary>
    public const string ReplyTo = "replyTo";
}
