using AspireAgent.Web.Client.Ops;

namespace AspireAgent.Web.Ops;

internal static partial class OpsLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Ops view ({Kind}): metrics from {Description}")]
    public static partial void SourceChosen(this ILogger logger, OpsSourceKind kind, string description);
}
