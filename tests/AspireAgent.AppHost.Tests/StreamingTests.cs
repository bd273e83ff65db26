using System.Buffers;
using System.Net.WebSockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.AppHost.Tests;

/// <summary>
/// The whole distributed app started by the app host with containers (Redis, Ollama and its model, three gateway
/// replicas, the worker, the UI), and one answer streamed from a real model through a gateway replica over a
/// WebSocket. A small model keeps the first pull short; it stays in the persistent volume for later runs.
/// Runs only where Docker or Podman answers; the container-free app is DistributedAppTests' business.
/// </summary>
public sealed class StreamingTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task With_containers_one_answer_streams_from_the_ollama_model_through_a_gateway_replica()
    {
        Assert.SkipUnless(
            AspireAgent.AppHost.Topology.ExecutableLookup.Answers("docker") || AspireAgent.AppHost.Topology.ExecutableLookup.Answers("podman"),
            "No container runtime answers here; the Ollama container cannot run.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(StartTimeout);
        var ct = limit.Token;
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--AppHost:OllamaModel=qwen2.5:0.5b"], ct);
        await using var app = await appHost.BuildAsync(ct);
        await app.StartAsync(ct);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("socket", ct);
        await app.ResourceNotifications.WaitForResourceAsync("inference", KnownResourceStates.Running, ct);

        var gateway = app.GetEndpoint("socket", "http");
        var codec = MessageCodecs.Json;
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(codec.SubProtocol);
        await socket.ConnectAsync(new Uri($"ws://{gateway.Authority}/ws"), ct);
        await SendAsync(socket, codec, new ControlMessage { Id = MessageIds.New(), Timestamp = Now, Action = ControlActions.Hello }, ct);
        var question = new UserMessage { Id = MessageIds.New(), Timestamp = Now, ConversationId = "apphost-test", Content = "Say hello in five words." };
        await SendAsync(socket, codec, question, ct);

        AssistantStart? start = null;
        var text = new System.Text.StringBuilder();
        AssistantEnd? end = null;
        while (end is null)
        {
            switch (await ReceiveAsync(socket, codec, ct))
            {
                case AssistantStart s when s.ReplyTo == question.Id:
                    start = s;
                    break;
                case AssistantChunk chunk when chunk.StreamId == start?.StreamId:
                    text.Append(chunk.Delta);
                    break;
                case AssistantEnd e when e.StreamId == start?.StreamId:
                    end = e;
                    break;
                case ErrorMessage error:
                    Assert.Fail($"{error.Code}: {error.Message}");
                    break;
            }
        }

        Assert.False(start!.Simulated);
        Assert.Equal("qwen2.5:0.5b", start.Model);
        Assert.Equal(FinishReason.Stop, end.FinishReason);
        Assert.NotEmpty(end.FullContent);
        Assert.Equal(text.ToString(), end.FullContent);
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static async Task SendAsync(WebSocket socket, IMessageCodec codec, AgentMessage message, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.Encode(message, buffer);
        await socket.SendAsync(buffer.WrittenMemory, codec.FrameType, endOfMessage: true, ct);
    }

    private static async Task<AgentMessage> ReceiveAsync(WebSocket socket, IMessageCodec codec, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"The gateway closed the connection: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return codec.Decode(buffer.WrittenMemory);
            }
        }
    }
}
