using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Infrastructure;

internal static class ServerAssert
{
    /// <summary>A fresh client completes a handshake and a ping/pong: one bad client did not hurt the node.</summary>
    public static async Task StillServesAsync(TestGateway gateway)
    {
        await using var other = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        var ping = other.Control(ControlActions.Ping);
        await other.SendAsync(ping);
        var pong = await other.ReceiveAsync<ControlMessage>(m => m is ControlMessage { Action: ControlActions.Pong });
        Assert.Equal(ping.Id, pong.Get(ControlKeys.ReplyTo));
    }
}
