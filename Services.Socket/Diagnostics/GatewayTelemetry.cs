using System.Diagnostics;

namespace AspireAgent.Socket.Diagnostics;

/// <summary>The gateway's activity source; its name is registered with OpenTelemetry by <c>AddSocketGateway</c>.</summary>
internal static class GatewayTelemetry
{
    public const string Name = "AspireAgent.Socket";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>
    /// Starts the root span of one chat request. Not a child of the upgrade request's span: that one lasts as
    /// long as the connection, and would put every answer of a session in one trace. It is linked instead.
    /// </summary>
    public static Activity? StartChatRequest(AspireAgent.Protocol.UserMessage message, string streamId, string ownerId)
    {
        var connection = Activity.Current;
        Activity.Current = null; // an async method's change; the caller's Activity.Current is untouched
        var activity = Source.StartActivity(
            "chat.request",
            ActivityKind.Server,
            parentContext: default,
            links: connection is null ? null : [new ActivityLink(connection.Context)]);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("aspireagent.conversation_id", message.ConversationId);
            activity.SetTag("aspireagent.stream_id", streamId);
            activity.SetTag("aspireagent.identity", ownerId);
            activity.SetTag("aspireagent.message_id", message.Id);
        }

        return activity;
    }
}
