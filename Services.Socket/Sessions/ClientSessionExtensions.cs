using AspireAgent.Protocol;

namespace AspireAgent.Socket.Sessions;

internal static class ClientSessionExtensions
{
    public static long NowMs(this IClientSession session) => session.Now.ToUnixTimeMilliseconds();

    /// <summary>An <c>error</c> frame stamped with the session's clock.</summary>
    public static ErrorMessage Error(
        this IClientSession session, string code, string text, bool retryable = false, string? replyTo = null, string? streamId = null) =>
        new()
        {
            Id = MessageIds.New(),
            Timestamp = session.NowMs(),
            Code = code,
            Message = text,
            Retryable = retryable,
            ReplyTo = replyTo,
            StreamId = streamId,
        };
}
