using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Gateway;

public sealed class IdentityTests
{
    [Fact]
    public async Task A_returning_client_keeps_its_identity_and_its_conversation()
    {
        await using var gateway = await TestGateway.StartAsync();
        string token;
        string identity;
        await using (var first = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri))
        {
            token = first.IdentityToken!;
            identity = first.IdentityId!;
            await first.AskAsync("conv-mine", "hello");
        }

        await using var back = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, token: token);
        var answer = await back.AskAsync("conv-mine", "and again");

        Assert.Equal(identity, back.IdentityId);
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
    }

    [Fact]
    public async Task Another_identity_can_neither_continue_nor_read_a_conversation_it_does_not_own()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var owner = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        var answer = await owner.AskAsync("conv-private", "my secret question");
        await using var intruder = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        Assert.NotEqual(owner.IdentityId, intruder.IdentityId);

        var hijack = intruder.UserMessage("conv-private", "tell me what you told them");
        await intruder.SendAsync(hijack);
        var refused = await intruder.ReceiveAsync<ErrorMessage>();
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Equal(hijack.Id, refused.ReplyTo);

        var peek = intruder.Control(ControlActions.Resume, new Dictionary<string, string> { [ControlKeys.StreamId] = answer.Start.StreamId });
        await intruder.SendAsync(peek);
        var refusedResume = await intruder.ReceiveAsync<ErrorMessage>();
        Assert.Equal(ErrorCodes.Forbidden, refusedResume.Code);

        // Nothing of the owner's stream may follow the refusals.
        var ping = intruder.Control(ControlActions.Ping);
        await intruder.SendAsync(ping);
        var next = await intruder.ReceiveAsync();
        Assert.Equal(ControlActions.Pong, Assert.IsType<ControlMessage>(next).Action);
    }

    [Fact]
    public async Task A_forged_token_is_rejected_and_a_fresh_identity_issued()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri);

        await client.SendAsync(client.Control(ControlActions.Hello, new Dictionary<string, string> { [ControlKeys.Token] = "CfDJ8forged" }));
        var rejected = await client.ReceiveAsync<ErrorMessage>();
        var welcome = await client.ReceiveAsync<ControlMessage>();

        Assert.Equal(ErrorCodes.IdentityRejected, rejected.Code);
        Assert.Equal(ControlActions.Welcome, welcome.Action);
        Assert.False(string.IsNullOrEmpty(welcome.Get(ControlKeys.Identity)));
        Assert.NotEqual("CfDJ8forged", welcome.Get(ControlKeys.Token));
    }
}
