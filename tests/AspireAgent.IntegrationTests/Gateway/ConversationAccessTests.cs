using AspireAgent.IntegrationTests.Client;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>The conversation actions through the .NET client over real sockets, in every encoding: owner-only.</summary>
public sealed class ConversationAccessTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(WireEncoding.Json)]
    [InlineData(WireEncoding.MessagePack)]
    [InlineData(WireEncoding.Protobuf)]
    public async Task Only_the_owner_can_list_read_or_delete_a_conversation(WireEncoding encoding)
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var owner = ResilientClients.Create(gateway.WebSocketUri, o => o.Encoding = encoding);
        await owner.ConnectAsync(_test);
        var answer = await owner.AskAsync("conv-private", "my secret question\nsecond line");
        await using var intruder = ResilientClients.Create(gateway.WebSocketUri, o => o.Encoding = encoding);
        await intruder.ConnectAsync(_test);
        Assert.NotEqual(owner.IdentityId, intruder.IdentityId);

        Assert.Empty(await intruder.ListConversationsAsync(_test));
        var read = await Assert.ThrowsAsync<AgentRequestException>(() => intruder.GetConversationAsync("conv-private", _test));
        Assert.Equal(ErrorCodes.Forbidden, read.Code);
        var delete = await Assert.ThrowsAsync<AgentRequestException>(() => intruder.DeleteConversationAsync("conv-private", _test));
        Assert.Equal(ErrorCodes.Forbidden, delete.Code);
        var missing = await Assert.ThrowsAsync<AgentRequestException>(() => intruder.GetConversationAsync("conv-nobody", _test));
        Assert.Equal(ErrorCodes.ConversationNotFound, missing.Code);

        var listed = Assert.Single(await owner.ListConversationsAsync(_test));
        Assert.Equal(("conv-private", "my secret question", null), (listed.ConversationId, listed.Title, listed.ActiveStreamId));
        var history = await owner.GetConversationAsync("conv-private", _test);
        var streamId = answer.End.StreamId;
        Assert.Equal(
            [(TurnRoles.User, "my secret question\nsecond line", streamId), (TurnRoles.Assistant, answer.End.FullContent, streamId)],
            history.Turns.Select(t => (t.Role, t.Content, t.StreamId)));
        Assert.Null(history.ActiveStreamId);

        await owner.DeleteConversationAsync("conv-private", _test);
        Assert.Empty(await owner.ListConversationsAsync(_test));
        var gone = await Assert.ThrowsAsync<AgentRequestException>(() => owner.GetConversationAsync("conv-private", _test));
        Assert.Equal(ErrorCodes.ConversationNotFound, gone.Code);
    }

    [Fact]
    public async Task A_new_connection_of_the_same_identity_follows_an_answer_by_its_stream_id_from_the_start()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var first = ResilientClients.Create(gateway.WebSocketUri);
        await first.ConnectAsync(_test);
        var answer = await first.AskAsync("conv-reload", "hello");

        // A reloaded page: same identity, nothing in memory but the conversation id.
        await using var reloaded = ResilientClients.Create(gateway.WebSocketUri, o => o.IdentityToken = first.IdentityToken);
        await reloaded.ConnectAsync(_test);
        var turns = (await reloaded.GetConversationAsync("conv-reload", _test)).Turns;
        var streamId = turns[^1].StreamId!;
        List<AgentMessage> replayed = [];
        await foreach (var message in reloaded.ResumeAnswerAsync("conv-reload", streamId, _test))
        {
            replayed.Add(message);
        }

        Assert.IsType<AssistantStart>(replayed[0]);
        var again = new ReadAnswer(replayed);
        again.AssertContiguous();
        Assert.Equal(answer.Text, again.Text);
        Assert.Equal(answer.End.FullContent, again.End.FullContent);

        await using var stranger = ResilientClients.Create(gateway.WebSocketUri);
        await stranger.ConnectAsync(_test);
        var refused = Assert.Single(await ReadAllAsync(stranger.ResumeAnswerAsync("conv-reload", streamId, _test)));
        Assert.Equal(ErrorCodes.Forbidden, Assert.IsType<ErrorMessage>(refused).Code);
    }

    private static async Task<List<AgentMessage>> ReadAllAsync(IAsyncEnumerable<AgentMessage> messages)
    {
        List<AgentMessage> all = [];
        await foreach (var message in messages)
        {
            all.Add(message);
        }

        return all;
    }
}
