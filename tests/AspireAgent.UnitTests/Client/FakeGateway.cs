using System.Buffers;
using System.Net.WebSockets;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireAgent.UnitTests.Client;

/// <summary>
/// A scripted stand-in for the gateway on a loopback Kestrel port: it accepts the offered subprotocol and
/// hands the socket to the test, so client behaviour is tested against real WebSocket framing.
/// </summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeGateway(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<FakeGateway> StartAsync(Func<FakeConnection, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        var connections = 0;
        app.Map("/ws", async context =>
        {
            var offered = context.WebSockets.WebSocketRequestedProtocols.Single();
            Assert.True(MessageCodecs.TryGetBySubProtocol(offered, out var codec));
            using var socket = await context.WebSockets.AcceptWebSocketAsync(offered);
            await script(new FakeConnection(socket, codec, Interlocked.Increment(ref connections) - 1));
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeGateway(app, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <param name="index">Which connection to the fake this is: 0 for the first, 1 for the first reconnect…</param>
internal sealed class FakeConnection(WebSocket socket, IMessageCodec codec, int index = 0)
{
    private readonly List<AgentMessage> _received = [];

    public WebSocket Socket => socket;

    public IMessageCodec Codec => codec;

    public int Index => index;

    /// <summary>Everything the client sent on this connection so far.</summary>
    public IReadOnlyList<AgentMessage> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The next message, or null when the client closed.</summary>
    public async Task<AgentMessage?> ReceiveAsync()
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), TestContext.Current.CancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                var message = codec.Decode(buffer.WrittenMemory);
                lock (_received)
                {
                    _received.Add(message);
                }

                return message;
            }
        }
    }

    /// <summary>Skips messages (acks, pings…) until one of type <typeparamref name="T"/> matches; fails when the client closes.</summary>
    public async Task<T> ExpectAsync<T>(Func<T, bool>? match = null)
        where T : AgentMessage
    {
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new InvalidOperationException($"The client closed while {typeof(T).Name} was expected.");
            if (message is T typed && (match is null || match(typed)))
            {
                return typed;
            }
        }
    }

    /// <summary>Waits for a control message with <paramref name="action"/>.</summary>
    public Task<ControlMessage> ExpectControlAsync(string action) => ExpectAsync<ControlMessage>(m => m.Action == action);

    /// <summary>Reads (and logs) whatever comes until the client goes away, without answering anything.</summary>
    public async Task ListenUntilGoneAsync()
    {
        try
        {
            while (await ReceiveAsync() is not null)
            {
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    public async Task<ControlMessage> ExpectHelloAsync()
    {
        var hello = Assert.IsType<ControlMessage>(await ReceiveAsync());
        Assert.Equal(ControlActions.Hello, hello.Action);
        return hello;
    }

    public Task WelcomeAsync(string token = "token-1", string identity = "id-1", string? heartbeat = null, int? heartbeatIntervalMs = null)
    {
        var payload = new Dictionary<string, string>
        {
            [ControlKeys.Token] = token,
            [ControlKeys.Identity] = identity,
            [ControlKeys.Node] = "node-a",
            [ControlKeys.Encoding] = codec.SubProtocol,
        };
        if (heartbeat is not null)
        {
            payload[ControlKeys.Heartbeat] = heartbeat;
        }

        if (heartbeatIntervalMs is { } ms)
        {
            payload[ControlKeys.HeartbeatIntervalMs] = ms.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return SendAsync(new ControlMessage { Id = MessageIds.New(), Timestamp = 1, Action = ControlActions.Welcome, Payload = payload });
    }

    /// <summary>Hello, then welcome: the handshake as the gateway does it.</summary>
    public async Task<ControlMessage> AcceptAsync(string token = "token-1", string identity = "id-1")
    {
        var hello = await ExpectHelloAsync();
        await WelcomeAsync(token, identity);
        return hello;
    }

    public Task SendStartAsync(UserMessage request, string streamId) => SendAsync(new AssistantStart
    {
        Id = MessageIds.New(), Timestamp = 1, ConversationId = request.ConversationId, StreamId = streamId,
        Model = "simulated", Simulated = true, ReplyTo = request.Id,
    });

    public Task SendChunkAsync(string streamId, long seq, string delta) =>
        SendAsync(new AssistantChunk { Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, Seq = seq, Delta = delta });

    public Task SendEndAsync(string streamId, string fullContent, long chunkCount, FinishReason reason = FinishReason.Stop) => SendAsync(new AssistantEnd
    {
        Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, FullContent = fullContent,
        Usage = new Usage(), FinishReason = reason, ChunkCount = chunkCount,
    });

    /// <summary>Drops the connection without a close frame, as a dead network does.</summary>
    public void Drop() => socket.Abort();

    public async Task SendAsync(AgentMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.Encode(message, buffer);
        await socket.SendAsync(buffer.WrittenMemory, codec.FrameType, true, TestContext.Current.CancellationToken);
    }

    /// <summary>Answers <paramref name="request"/> with a start, one chunk per delta and the end.</summary>
    public async Task AnswerAsync(UserMessage request, string streamId, params string[] deltas)
    {
        await SendAsync(new AssistantStart
        {
            Id = MessageIds.New(), Timestamp = 1, ConversationId = request.ConversationId, StreamId = streamId,
            Model = "simulated", Simulated = true, ReplyTo = request.Id,
        });
        for (var seq = 0; seq < deltas.Length; seq++)
        {
            await SendAsync(new AssistantChunk { Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, Seq = seq, Delta = deltas[seq] });
        }

        await SendAsync(new AssistantEnd
        {
            Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, FullContent = string.Concat(deltas),
            Usage = new Usage(), FinishReason = FinishReason.Stop, ChunkCount = deltas.Length,
        });
    }

    /// <summary>Reads until the client closes, then completes the close handshake.</summary>
    public async Task DrainUntilClosedAsync()
    {
        while (await ReceiveAsync() is not null)
        {
        }

        if (socket.State == WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, TestContext.Current.CancellationToken);
        }
    }
}
