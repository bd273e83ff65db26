using AspireAgent.Protocol;

namespace AspireAgent.Socket.Sessions;

/// <summary>
/// Takes the decoded messages of a session, one at a time in arrival order. The connection knows only this
/// contract, so socket handling never depends on the protocol's handlers.
/// </summary>
internal interface IInboundHandler
{
    ValueTask HandleAsync(IClientSession session, AgentMessage message);
}
