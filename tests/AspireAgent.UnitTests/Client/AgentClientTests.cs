using System.Net.WebSockets;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using AspireAgent.Protocol.Encoding;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Client;

public sealed class AgentClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(WireEncoding.Json)]
    [InlineData(WireEncoding.MessagePack)]
    [InlineData(WireEncoding.Protobuf)]
    public async Task Connect_says_hello_with_the_stored_token_and_keeps_the_welcomes(WireEncoding encoding)
    {
        var hello = new TaskCompletionSource<ControlMessage>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            hello.SetResult(await connection.ExpectHelloAsync());
            await connection.WelcomeAsync(token: "token-2", identity: "alice");
            await connection.DrainUntilClosedAsync();
        });
        var states = new List<AgentConnectionState>();
        await using var client = new AgentClient(new AgentClientOptions { Endpoint = gateway.Endpoint, Encoding = encoding, IdentityToken = "token-1" });
        client.StateChanged += states.Add;

        await client.ConnectAsync(Ct);

        Assert.Equal("token-1", (await hello.Task).Get(ControlKeys.Token));
        Assert.Equal(AgentConnectionState.Connected, client.State);
        Assert.Equal("token-2", client.IdentityToken);
        Assert.Equal("alice", client.IdentityId);
        Assert.Equal("node-a", client.Node);
        Assert.Equal(encoding, client.Encoding);

        await client.CloseAsync(cancellationToken: Ct);
        Assert.Equal([AgentConnectionState.Connecting, AgentConnectionState.Connected, AgentConnectionState.Closed], states);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task A_first_connection_says_hello_without_a_token()
    {
        var hello = new TaskCompletionSource<ControlMessage>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            hello.SetResult(await connection.ExpectHelloAsync());
            await connection.WelcomeAsync();
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new AgentClient(new AgentClientOptions { Endpoint = gateway.Endpoint });

        await client.ConnectAsync(Ct);

        Assert.Null((await hello.Task).Get(ControlKeys.Token));
        Assert.Equal("token-1", client.IdentityToken);
    }

    [Fact]
    public async Task Two_conversations_stream_at_once_over_one_connection()
    {
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.ExpectHelloAsync();
            await connection.WelcomeAsync();
            var first = Assert.IsType<UserMessage>(await connection.ReceiveAsync());
            var second = Assert.IsType<UserMessage>(await connection.ReceiveAsync());
            var (a, b) = first.ConversationId == "c-a" ? (first, second) : (second, first);
            await connection.SendAsync(Start(b, "s-b"));
            await connection.SendAsync(Start(a, "s-a"));
            await connection.SendAsync(Chunk("s-a", 0, "one "));
            await connection.SendAsync(Chunk("s-b", 0, "uno "));
            await connection.SendAsync(Chunk("s-a", 1, "two"));
            await connection.SendAsync(End("s-b", "uno "));
            await connection.SendAsync(Chunk("s-a", 2, "!"));
            await connection.SendAsync(End("s-a", "one two!"));
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new AgentClient(new AgentClientOptions { Endpoint = gateway.Endpoint });
        await client.ConnectAsync(Ct);

        var answers = await Task.WhenAll(CollectAsync(client, "c-a", "count"), CollectAsync(client, "c-b", "cuenta"));

        Assert.Equal(("one two!", "one two!"), answers[0]);
        Assert.Equal(("uno ", "uno "), answers[1]);
    }

    [Fact]
    public async Task No_welcome_within_the_handshake_timeout_fails_the_connection()
    {
        var helloSeen = new TaskCompletionSource();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.ExpectHelloAsync();
            helloSeen.SetResult();
            await Assert.ThrowsAnyAsync<Exception>(connection.ReceiveAsync);
        });
        var time = new FakeTimeProvider();
        await using var client = new AgentClient(new AgentClientOptions { Endpoint = gateway.Endpoint, TimeProvider = time });

        var connecting = client.ConnectAsync(Ct);
        await helloSeen.Task.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<TimeoutException>(() => connecting);
        Assert.Equal(AgentConnectionState.Failed, client.State);
        Assert.IsType<TimeoutException>(client.Failure);
    }

    [Fact]
    public async Task A_close_during_an_answer_ends_it_with_the_servers_close_code()
    {
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.ExpectHelloAsync();
            await connection.WelcomeAsync();
            var request = Assert.IsType<UserMessage>(await connection.ReceiveAsync());
            await connection.SendAsync(Start(request, "s1"));
            await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "bye", Ct);
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new AgentClient(new AgentClientOptions { Endpoint = gateway.Endpoint });
        await client.ConnectAsync(Ct);

        var received = new List<AgentMessage>();
        var error = await Assert.ThrowsAsync<AgentConnectionException>(async () =>
        {
            await foreach (var message in client.StreamAnswerAsync("c1", "hi", Ct))
            {
                received.Add(message);
            }
        });

        Assert.IsType<AssistantStart>(Assert.Single(received));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, error.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("bye", client.CloseDescription);
        Assert.Equal(AgentConnectionState.Failed, client.State);
    }

    [Fact]
    public async Task Messages_no_answer_waits_for_are_raised_as_unhandled_and_pings_are_answered()
    {
        var pong = new TaskCompletionSource<ControlMessage>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.ExpectHelloAsync();
            await connection.WelcomeAsync();
            await connection.SendAsync(new ErrorMessage { Id = "e1", Timestamp = 1, Code = ErrorCodes.Overloaded, Message = "busy", Retryable = true });
            await connection.SendAsync(new ControlMessage { Id = "p1", Timestamp = 1, Action = ControlActions.Ping });
            pong.SetResult(Assert.IsType<ControlMessage>(await connection.ReceiveAsync()));
            await connection.DrainUntilClosedAsync();
        });
        var unhandled = new TaskCompletionSource<AgentMessage>();
        await using var client = new AgentClient(new AgentClientOptions { Endpoint = gateway.Endpoint });
        client.UnhandledMessage += message => unhandled.TrySetResult(message);

        await client.ConnectAsync(Ct);

        Assert.Equal(ErrorCodes.Overloaded, Assert.IsType<ErrorMessage>(await unhandled.Task.WaitAsync(Ct)).Code);
        var answer = await pong.Task.WaitAsync(Ct);
        Assert.Equal(ControlActions.Pong, answer.Action);
        Assert.Equal("p1", answer.Get(ControlKeys.ReplyTo));
    }

    [Fact]
    public async Task An_oversized_message_closes_the_connection_with_1009()
    {
        var serverSaw = new TaskCompletionSource<WebSocketCloseStatus?>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.ExpectHelloAsync();
            await connection.WelcomeAsync();
            await connection.SendAsync(new ErrorMessage { Id = "e1", Timestamp = 1, Code = ErrorCodes.Internal, Message = new string('x', 4096) });
            await connection.DrainUntilClosedAsync();
            serverSaw.SetResult(connection.Socket.CloseStatus);
        });
        var ended = new TaskCompletionSource();
        await using var client = new AgentClient(new AgentClientOptions { Endpoint = gateway.Endpoint, MaxMessageBytes = 1024 });
        client.StateChanged += state =>
        {
            if (state == AgentConnectionState.Failed)
            {
                ended.TrySetResult();
            }
        };

        await client.ConnectAsync(Ct);
        await ended.Task.WaitAsync(Ct);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await serverSaw.Task.WaitAsync(Ct));
    }

    [Fact]
    public async Task Sending_before_connecting_is_refused_and_options_are_checked_up_front()
    {
        await using var client = new AgentClient(new AgentClientOptions { Endpoint = new Uri("ws://127.0.0.1:1/ws") });

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var unused in client.StreamAnswerAsync("c1", "hi", Ct))
            {
            }
        });
        Assert.Throws<ArgumentException>(() => new AgentClient(new AgentClientOptions { Endpoint = new Uri("http://127.0.0.1/ws") }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new AgentClient(new AgentClientOptions { Endpoint = new Uri("ws://127.0.0.1/ws"), HandshakeTimeout = TimeSpan.Zero }));
    }

    private static async Task<(string Text, string FullContent)> CollectAsync(AgentClient client, string conversationId, string content)
    {
        var text = "";
        var full = "";
        await foreach (var message in client.StreamAnswerAsync(conversationId, content, Ct))
        {
            switch (message)
            {
                case AssistantChunk chunk:
                    text += chunk.Delta;
                    break;
                case AssistantEnd end:
                    full = end.FullContent;
                    break;
            }
        }

        return (text, full);
    }

    private static AssistantStart Start(UserMessage request, string streamId) => new()
    {
        Id = MessageIds.New(), Timestamp = 1, ConversationId = request.ConversationId, StreamId = streamId, Model = "sim", ReplyTo = request.Id,
    };

    private static AssistantChunk Chunk(string streamId, long seq, string delta) => new()
    {
        Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, Seq = seq, Delta = delta,
    };

    private static AssistantEnd End(string streamId, string fullContent) => new()
    {
        Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, FullContent = fullContent, Usage = new Usage(), FinishReason = FinishReason.Stop,
    };
}
