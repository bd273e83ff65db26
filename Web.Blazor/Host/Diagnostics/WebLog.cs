namespace AspireAgent.Web.Diagnostics;

internal static partial class WebLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "AspireAgent is running: open {Url}")]
    public static partial void Running(this ILogger logger, string url);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Gateway: {Source} at {GatewayUrl}")]
    public static partial void GatewayResolved(this ILogger logger, string source, string gatewayUrl);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The server reported no listening address; the chat UI is not reachable")]
    public static partial void NoAddress(this ILogger logger);
}
