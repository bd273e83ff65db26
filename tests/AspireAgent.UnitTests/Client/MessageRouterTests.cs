using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.UnitTests.Client;

public sealed class MessageRouterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Routes_start_chunks_and_end_to_the_request_then_completes()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");

        Assert.True(await router.RouteAsync(Start("c1", "s1", replyTo: "u1"), Ct));
        Assert.True(await router.RouteAsync(Chunk("s1", 0, "Hel"), Ct));
        Assert.True(await router.RouteAsync(Chunk("s1", 1, "lo"), Ct));
        Assert.True(await router.RouteAsync(End("s1", "Hello"), Ct));

        var received = await ReadAllAsync(answer);
        Assert.Collection(
            received,
            m => Assert.IsType<AssistantStart>(m),
            m => Assert.Equal("Hel", Assert.IsType<AssistantChunk>(m).Delta),
            m => Assert.Equal("lo", Assert.IsType<AssistantChunk>(m).Delta),
            m => Assert.Equal("Hello", Assert.IsType<AssistantEnd>(m).FullContent));
        Assert.Equal("s1", answer.StreamId);
        Assert.Equal(0, router.Count);
    }

    [Fact]
    public async Task A_reset_reaches_the_reader_in_order_and_seqs_keep_counting_after_it()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");
        var reset = new ControlMessage
        {
            Id = "r", Timestamp = 0, Action = ControlActions.Reset,
            Payload = new Dictionary<string, string> { [ControlKeys.StreamId] = "s1", [ControlKeys.Seq] = "1" },
        };

        await router.RouteAsync(Start("c1", "s1", replyTo: "u1"), Ct);
        await router.RouteAsync(Chunk("s1", 0, "half-writ"), Ct);
        Assert.True(await router.RouteAsync(reset, Ct));
        await router.RouteAsync(Chunk("s1", 1, "Whole"), Ct);
        await router.RouteAsync(End("s1", "Whole"), Ct);

        var received = await ReadAllAsync(answer);
        Assert.Equal(["assistant.start", "assistant.chunk", "control", "assistant.chunk", "assistant.end"], received.Select(m => m.Type));
        Assert.Equal(ControlActions.Reset, Assert.IsType<ControlMessage>(received[2]).Action);
    }

    [Fact]
    public async Task Interleaved_streams_of_two_conversations_reach_their_own_readers()
    {
        var router = new MessageRouter(capacity: 16);
        using var first = router.Subscribe("u1", "c1");
        using var second = router.Subscribe("u2", "c2");

        AgentMessage[] wire =
        [
            Start("c2", "s2", replyTo: "u2"), Start("c1", "s1", replyTo: "u1"),
            Chunk("s1", 0, "a"), Chunk("s2", 0, "x"), Chunk("s1", 1, "b"),
            End("s2", "x"), Chunk("s1", 2, "c"), End("s1", "abc"),
        ];
        foreach (var message in wire)
        {
            Assert.True(await router.RouteAsync(message, Ct));
        }

        Assert.Equal("abc", Text(await ReadAllAsync(first)));
        Assert.Equal("x", Text(await ReadAllAsync(second)));
    }

    [Fact]
    public async Task A_start_without_reply_to_goes_to_the_oldest_waiting_request_of_its_conversation()
    {
        var router = new MessageRouter(capacity: 16);
        using var other = router.Subscribe("u0", "c0");
        using var older = router.Subscribe("u1", "c1");
        using var newer = router.Subscribe("u2", "c1");

        Assert.True(await router.RouteAsync(Start("c1", "s1", replyTo: null), Ct));
        Assert.True(await router.RouteAsync(Start("c1", "s2", replyTo: null), Ct));

        Assert.Equal("s1", older.StreamId);
        Assert.Equal("s2", newer.StreamId);
        Assert.Null(other.StreamId);
    }

    [Fact]
    public async Task An_error_replying_to_the_request_ends_the_answer_before_any_start()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");

        Assert.True(await router.RouteAsync(Error(ErrorCodes.ConversationBusy, replyTo: "u1"), Ct));

        var error = Assert.IsType<ErrorMessage>(Assert.Single(await ReadAllAsync(answer)));
        Assert.Equal(ErrorCodes.ConversationBusy, error.Code);
        Assert.Equal(0, router.Count);
    }

    [Fact]
    public async Task An_error_about_the_stream_ends_a_started_answer()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");

        await router.RouteAsync(Start("c1", "s1", replyTo: "u1"), Ct);
        await router.RouteAsync(Chunk("s1", 0, "par"), Ct);
        Assert.True(await router.RouteAsync(Error(ErrorCodes.ModelFailed, streamId: "s1"), Ct));

        Assert.IsType<ErrorMessage>((await ReadAllAsync(answer))[^1]);
        Assert.False(await router.RouteAsync(Chunk("s1", 1, "late"), Ct));
    }

    [Fact]
    public async Task Messages_no_request_waits_for_are_not_routed()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");

        Assert.False(await router.RouteAsync(Error(ErrorCodes.InvalidMessage, replyTo: "someone-else"), Ct));
        Assert.False(await router.RouteAsync(Error(ErrorCodes.Internal), Ct));
        Assert.False(await router.RouteAsync(Chunk("unknown-stream", 0, "x"), Ct));
        Assert.False(await router.RouteAsync(Start("c1", "s9", replyTo: "someone-else"), Ct));
        Assert.False(await router.RouteAsync(
            new ControlMessage { Id = "p", Timestamp = 1, Action = ControlActions.Pong }, Ct));
        Assert.Null(answer.StreamId);
    }

    [Fact]
    public async Task The_rest_of_an_abandoned_answer_is_dropped_quietly_until_its_end()
    {
        var router = new MessageRouter(capacity: 16);
        var answer = router.Subscribe("u1", "c1");
        answer.Sent = true;
        await router.RouteAsync(Start("c1", "s1", replyTo: "u1"), Ct);

        answer.Dispose();

        Assert.True(await router.RouteAsync(Chunk("s1", 0, "ignored"), Ct));
        Assert.True(await router.RouteAsync(End("s1", "ignored"), Ct));
        Assert.Equal(0, router.Count);
        Assert.False(await router.RouteAsync(Chunk("s1", 1, "after the end"), Ct));
    }

    [Fact]
    public void A_request_abandoned_before_it_was_sent_is_forgotten_at_once()
    {
        var router = new MessageRouter(capacity: 16);
        var answer = router.Subscribe("u1", "c1");

        answer.Dispose();

        Assert.Equal(0, router.Count);
    }

    [Fact]
    public async Task A_full_reader_makes_routing_wait_instead_of_dropping()
    {
        var router = new MessageRouter(capacity: 1);
        using var answer = router.Subscribe("u1", "c1");
        await router.RouteAsync(Start("c1", "s1", replyTo: "u1"), Ct);

        var blocked = router.RouteAsync(Chunk("s1", 0, "x"), Ct);
        Assert.False(blocked.IsCompleted);

        Assert.True(answer.Reader.TryRead(out _));
        Assert.True(await blocked);
        Assert.True(answer.Reader.TryRead(out var chunk));
        Assert.IsType<AssistantChunk>(chunk);
    }

    [Fact]
    public async Task Completing_all_fails_the_readers_and_refuses_subscriptions_until_reopened()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");

        router.CompleteAll(new AgentConnectionException("gone"));

        await Assert.ThrowsAsync<AgentConnectionException>(async () => await ReadAllAsync(answer));
        Assert.Throws<AgentConnectionException>(() => router.Subscribe("u2", "c1"));
        router.Reopen();
        using var again = router.Subscribe("u2", "c1");
        Assert.Equal(1, router.Count);
    }

    [Fact]
    public void The_same_request_cannot_be_awaited_twice()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");

        Assert.Throws<InvalidOperationException>(() => router.Subscribe("u1", "c1"));
    }

    private static async Task<List<AgentMessage>> ReadAllAsync(AnswerSubscription subscription)
    {
        var messages = new List<AgentMessage>();
        await foreach (var message in subscription.Reader.ReadAllAsync(Ct))
        {
            messages.Add(message);
        }

        return messages;
    }

    private static string Text(IEnumerable<AgentMessage> messages) =>
        string.Concat(messages.OfType<AssistantChunk>().Select(c => c.Delta));

    private static AssistantStart Start(string conversationId, string streamId, string? replyTo) => new()
    {
        Id = MessageIds.New(), Timestamp = 1, ConversationId = conversationId, StreamId = streamId, Model = "sim", ReplyTo = replyTo,
    };

    private static AssistantChunk Chunk(string streamId, long seq, string delta) => new()
    {
        Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, Seq = seq, Delta = delta,
    };

    private static AssistantEnd End(string streamId, string fullContent) => new()
    {
        Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, FullContent = fullContent, Usage = new Usage(), FinishReason = FinishReason.Stop,
    };

    private static ErrorMessage Error(string code, string? replyTo = null, string? streamId = null) => new()
    {
        Id = MessageIds.New(), Timestamp = 1, Code = code, Message = code, ReplyTo = replyTo, StreamId = streamId,
    };
}
