using AspireAgent.Protocol;
using AspireAgent.Socket.Chat;
using AspireAgent.Socket.Heartbeat;
using AspireAgent.Socket.Identity;
using AspireAgent.Socket.Options;
using AspireAgent.Socket.Sessions;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Dispatch;

/// <summary>
/// Decides what each decoded client message means: the protocol's state machine on the server side. It sees
/// the connection only as an <see cref="IClientSession"/>, and hands each message to the handler it belongs to.
/// </summary>
internal sealed class InboundDispatcher(
    IdentityTokens identities,
    ChatRequestHandler chat,
    StreamResumeHandler resume,
    StreamSignalHandler signals,
    ConversationRequestHandler conversations,
    Diagnostics.GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    IOptions<HeartbeatOptions> heartbeat) : IInboundHandler
{
    private readonly string _node = options.Value.NodeId ?? $"{Environment.MachineName}-{Environment.ProcessId}";
    private readonly string _heartbeatIntervalMs =
        ((long)heartbeat.Value.Interval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Node => _node;

    public async ValueTask HandleAsync(IClientSession connection, AgentMessage message)
    {
        if (connection.IdentityId is null)
        {
            await HandshakeAsync(connection, message);
            return;
        }

        switch (message)
        {
            case UserMessage user:
                await chat.HandleAsync(connection, user);
                break;
            case ControlMessage { Action: ControlActions.Ping } ping:
                connection.SendCritical(Control(connection, ControlActions.Pong, replyTo: ping.Id));
                break;
            case ControlMessage { Action: ControlActions.Pong }:
                break;
            case ControlMessage { Action: ControlActions.Resume } control:
                await resume.HandleAsync(connection, control);
                break;
            case ControlMessage { Action: ControlActions.Interrupt } control:
                await signals.InterruptAsync(connection, control);
                break;
            case ControlMessage { Action: ControlActions.Ack } control:
                await signals.AcknowledgeAsync(connection, control);
                break;
            case ControlMessage { Action: ControlActions.ListConversations or ControlActions.GetConversation or ControlActions.DeleteConversation } control:
                await conversations.HandleAsync(connection, control);
                break;
            case ControlMessage { Action: ControlActions.Hello } control:
                connection.SendCritical(connection.Error(
                    ErrorCodes.UnexpectedType, "The handshake is already done.", replyTo: control.Id));
                break;
            case ControlMessage control:
                connection.SendCritical(connection.Error(
                    ErrorCodes.UnsupportedAction, $"Control action '{control.Action}' is not served by this gateway.", replyTo: control.Id));
                break;
            default:
                connection.SendCritical(connection.Error(
                    ErrorCodes.UnexpectedType, $"A client may not send '{message.Type}'.", replyTo: message.Id));
                break;
        }
    }

    private async ValueTask HandshakeAsync(IClientSession connection, AgentMessage message)
    {
        if (message is not ControlMessage { Action: ControlActions.Hello } hello)
        {
            connection.RequestClose(Protocol.CloseCodes.ProtocolError, "the first frame must be control hello");
            return;
        }

        // A signed-in connection is its token's subject; an anonymous token in the hello cannot override it.
        var presented = connection.Subject is null ? hello.Get(ControlKeys.Token) : null;
        var identityId = connection.Subject ?? (string.IsNullOrEmpty(presented) ? null : identities.Verify(presented));
        var token = presented;
        metrics.Handshake(connection.Subject is not null ? "bearer"
            : identityId is not null ? "returning" : string.IsNullOrEmpty(presented) ? "new" : "rejected");
        if (identityId is null)
        {
            if (!string.IsNullOrEmpty(presented))
            {
                // Not fatal: the client loses access to what the old identity owned, and learns why.
                connection.SendCritical(connection.Error(
                    ErrorCodes.IdentityRejected, "The identity token did not verify; a new identity was issued.", replyTo: hello.Id));
            }

            var issued = identities.Issue();
            (identityId, token) = (issued.Id, issued.Token);
        }

        var strategy = heartbeat.Value.AllowClientHint && HeartbeatOptions.TryParseHint(hello.Get(ControlKeys.Heartbeat), out var hinted)
            ? hinted
            : heartbeat.Value.Strategy;
        var schedule = new HeartbeatSchedule(strategy, heartbeat.Value, connection.Now);
        // Armed before the welcome leaves, so the first beat is measured from the handshake.
        connection.Accept(identityId, hello.Get(ControlKeys.Flow) == ControlKeys.FlowAck, schedule);
        // Eight pairs at most (with the token and replyTo): one array, where a dictionary grew twice per handshake.
        var welcome = new ControlPayload.Builder(8);
        welcome.Add(ControlKeys.Identity, identityId);
        welcome.Add(ControlKeys.Node, _node);
        welcome.Add(ControlKeys.Encoding, connection.Codec.SubProtocol);
        welcome.Add(ControlKeys.Heartbeat, HeartbeatOptions.ToHint(strategy));
        welcome.Add(ControlKeys.Flow, connection.ClientAcknowledges ? ControlKeys.FlowAck : ControlKeys.FlowAuto);
        welcome.Add(ControlKeys.HeartbeatIntervalMs, _heartbeatIntervalMs);
        if (token is not null)
        {
            // A signed-in identity has no anonymous token: the client keeps presenting its bearer token instead.
            welcome.Add(ControlKeys.Token, token);
        }

        await connection.SendAsync(Control(connection, ControlActions.Welcome, replyTo: hello.Id, payload: welcome));
    }

    private static ControlMessage Control(
        IClientSession connection, string action, string? replyTo = null, ControlPayload.Builder payload = default)
    {
        if (replyTo is not null)
        {
            payload.Add(ControlKeys.ReplyTo, replyTo);
        }

        return new ControlMessage
        {
            Id = MessageIds.New(), Timestamp = connection.NowMs(), Action = action, Payload = payload.IsEmpty ? null : payload.Build(),
        };
    }
}
