using System.Net.WebSockets;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>Refusals answered exactly as docs/protocol.md says, found by third-party clients (issue 13).</summary>
public sealed class ExactRefusalTests
{
    public static TheoryData<WireEncoding, string> UserMessagesWithoutConversationId() => new()
    {
        { WireEncoding.Json, """{"type":"user.message","id":"u1","ts":1,"content":"hi"}""" },
        // [kind 0, "u1", 1, nil, "hi"]: the field is there but nil, MessagePack's way of leaving it out.
        { WireEncoding.MessagePack, "95-00-A2-75-31-01-C0-A2-68-69" },
        // Protobuf omits an empty string field, so an empty conversationId is a missing one.
        { WireEncoding.Protobuf, string.Empty },
    };

    [Theory]
    [MemberData(nameof(UserMessagesWithoutConversationId))]
    public async Task A_user_message_without_conversationId_gets_invalid_message_not_a_close(WireEncoding encoding, string frame)
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, encoding);

        var bytes = encoding switch
        {
            WireEncoding.Json => System.Text.Encoding.UTF8.GetBytes(frame),
            WireEncoding.MessagePack => Convert.FromHexString(frame.Replace("-", string.Empty, StringComparison.Ordinal)),
            _ => Encode(client.Codec, client.UserMessage(string.Empty, "hi") with { Id = "u1" }),
        };
        await client.SendRawAsync(bytes, client.Codec.FrameType);
        var error = await client.ReceiveAsync<ErrorMessage>();

        Assert.Equal(ErrorCodes.InvalidMessage, error.Code);
        Assert.Equal("u1", error.ReplyTo);
        Assert.Contains("conversationId", error.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task An_ack_for_another_identitys_stream_gets_forbidden()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var owner = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        var answer = await owner.AskAsync("conv-acked", "hello");
        await using var intruder = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        var ack = intruder.Control(ControlActions.Ack, new Dictionary<string, string>
        {
            [ControlKeys.StreamId] = answer.Start.StreamId,
            [ControlKeys.Seq] = "0",
        });
        await intruder.SendAsync(ack);
        var refused = await intruder.ReceiveAsync<ErrorMessage>();

        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Equal(ack.Id, refused.ReplyTo);
        Assert.Equal(answer.Start.StreamId, refused.StreamId);
    }

    [Fact]
    public async Task A_69_KB_message_in_64_fragments_ends_with_1009_at_the_client_every_time()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        var fragment = new byte[69 * 1024 / 64];
        Array.Fill(fragment, (byte)'x');

        // The fault showed once in eight runs: eight clients at once make a race with the close likely.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
            try
            {
                // Paced, as over a real link: the server refuses the message while the client is still sending it.
                for (var i = 0; i < 64; i++)
                {
                    await client.Socket.SendAsync(fragment, WebSocketMessageType.Text, endOfMessage: i == 63, TestContext.Current.CancellationToken);
                    await Task.Delay(5, TestContext.Current.CancellationToken);
                }
            }
            catch (WebSocketException)
            {
                // The server may close before the last fragment left; what matters is how the client saw it end.
            }

            // A client busy elsewhere reads the close a little later: a server that closed the socket with the
            // rest of the message unread has reset the connection by then, and the close frame is lost with it.
            await Task.Delay(300, TestContext.Current.CancellationToken);
            await client.ReceiveUntilClosedAsync();
            return client.CloseStatus;
        }));

        Assert.All(statuses, status => Assert.Equal(WebSocketCloseStatus.MessageTooBig, status));
        await ServerAssert.StillServesAsync(gateway);
    }

    private static byte[] Encode(IMessageCodec codec, AgentMessage message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        codec.Encode(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
