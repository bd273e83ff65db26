using System.Net.WebSockets;

namespace AspireAgent.Protocol.Client;

/// <summary>
/// The connection could not be established or ended while an answer was still streaming.
/// <see cref="CloseStatus"/> carries the server's close code when it sent one (for example 4000, handshake timeout).
/// </summary>
public sealed class AgentConnectionException(string message, WebSocketCloseStatus? closeStatus = null, Exception? inner = null)
    : Exception(message, inner)
{
    public WebSocketCloseStatus? CloseStatus { get; } = closeStatus;
}
