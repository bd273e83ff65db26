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
        app.Map("/ws", async context =>
        {
            var offered = context.WebSockets.WebSocketRequestedProtocols.Single();
            Assert.True(MessageCodecs.TryGetBySubProtocol(offered, out var codec));
            using var socket = await context.WebSockets.AcceptWebSocketAsync(offered);
            await script(new FakeConnection(socket, codec));
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeGateway(app, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

internal sealed class FakeConnection(WebSocket socket, IMessageCodec codec)
{
    public WebSocket Socket => socket;

    public IMessageCodec Codec => codec;

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
                return codec.Decode(buffer.WrittenMemory);
            }
        }
    }

    public async Task<ControlMessage> ExpectHelloAsync()
    {
        var hello = Assert.IsType<ControlMessage>(await ReceiveAsync());
        Assert.Equal(ControlActions.Hello, hello.Action);
        return hello;
    }

    public Task WelcomeAsync(string token = "token-1", string identity = "id-1") => SendAsync(new ControlMessage
    {
        Id = MessageIds.New(),
        Timestamp = 1,
        Action = ControlActions.Welcome,
        Payload = new Dictionary<string, string>
        {
            [ControlKeys.Token] = token,
            [ControlKeys.Identity] = identity,
            [ControlKeys.Node] = "node-a",
            [ControlKeys.Encoding] = codec.SubProtocol,
        },
    });

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
