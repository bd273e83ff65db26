namespace AspireAgent.Socket.Diagnostics;

internal static partial class GatewayLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened with {SubProtocol}")]
    public static partial void Connected(this ILogger logger, string connectionId, string subProtocol);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} ended (close status {CloseStatus})")]
    public static partial void Disconnected(this ILogger logger, string connectionId, int? closeStatus);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} closing with {CloseStatus}: {Reason}")]
    public static partial void Closing(this ILogger logger, string connectionId, int closeStatus, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} dropped: {Reason}")]
    public static partial void ConnectionDropped(this ILogger logger, string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(this ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} sent a malformed frame: {Detail}")]
    public static partial void MalformedFrame(this ILogger logger, string connectionId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a WebSocket upgrade from origin {Origin}")]
    public static partial void OriginRefused(this ILogger logger, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An identity token did not verify ({Reason}); a new identity was issued")]
    public static partial void IdentityRejected(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} asked for conversation {ConversationId} of another identity")]
    public static partial void ConversationForbidden(this ILogger logger, string connectionId, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} refused: {Reason}")]
    public static partial void Overloaded(this ILogger logger, string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {ConnectionId}: a message for conversation {ConversationId} could not be taken; the client was told to send it again")]
    public static partial void MessageNotTaken(this ILogger logger, string connectionId, string conversationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Relaying stream {StreamId} to connection {ConnectionId} failed")]
    public static partial void RelayFailed(this ILogger logger, string connectionId, string streamId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: closing {Count} connections with 1001")]
    public static partial void ShuttingDown(this ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown went on with {Count} connections not yet closed")]
    public static partial void ShutdownTimedOut(this ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A connection's scheduled heartbeat or slow-consumer check failed")]
    public static partial void TimerCallbackFailed(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging chunk {Seq} of stream {StreamId} to its producer failed")]
    public static partial void AcknowledgeFailed(this ILogger logger, string streamId, long seq, Exception exception);
}
