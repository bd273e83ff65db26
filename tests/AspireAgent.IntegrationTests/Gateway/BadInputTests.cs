using System.Net;
using System.Net.WebSockets;
using System.Text;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.IntegrationTests.Gateway;

public sealed class BadInputTests
{
    [Fact]
    public async Task A_message_over_the_size_limit_closes_with_1009()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Gateway:MaxMessageBytes"] = "1024" }, withWorker: false);
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        await client.SendAsync(client.UserMessage("c", new string('x', 2000)));
        await client.ReceiveUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
        await ServerAssert.StillServesAsync(gateway);
    }

    [Theory]
    [InlineData(WireEncoding.Json, "{\"type\":\"user.message\",")]
    [InlineData(WireEncoding.MessagePack, "\u00c1")]
    [InlineData(WireEncoding.Protobuf, "\u000a\u0005a")]
    public async Task A_malformed_frame_closes_with_1007(WireEncoding encoding, string garbage)
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, encoding);

        var bytes = encoding == WireEncoding.Json ? Encoding.UTF8.GetBytes(garbage) : Encoding.Latin1.GetBytes(garbage);
        await client.SendRawAsync(bytes, client.Codec.FrameType);
        await client.ReceiveUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, client.CloseStatus);
        await ServerAssert.StillServesAsync(gateway);
    }

    [Fact]
    public async Task A_frame_of_the_wrong_kind_closes_with_1003()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, WireEncoding.MessagePack);

        await client.SendRawAsync("""{"type":"control","id":"a","ts":1,"action":"ping"}"""u8.ToArray(), WebSocketMessageType.Text);
        await client.ReceiveUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, client.CloseStatus);
    }

    [Fact]
    public async Task An_unknown_type_gets_an_error_frame_and_the_connection_stays_open()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        await client.SendRawAsync("""{"type":"presence.update","id":"p1","ts":1}"""u8.ToArray(), WebSocketMessageType.Text);
        var error = await client.ReceiveAsync<ErrorMessage>();
        Assert.Equal(ErrorCodes.UnknownType, error.Code);

        var ping = client.Control(ControlActions.Ping);
        await client.SendAsync(ping);
        var pong = await client.ReceiveAsync<ControlMessage>(m => m is ControlMessage { Action: ControlActions.Pong });
        Assert.Equal(ping.Id, pong.Get(ControlKeys.ReplyTo));
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task A_message_a_client_may_not_send_gets_an_error_and_the_connection_stays_open()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        var forged = new AssistantChunk { Id = "x1", Timestamp = 1, StreamId = "s", Seq = 0, Delta = "spoof" };
        await client.SendAsync(forged);
        var error = await client.ReceiveAsync<ErrorMessage>();

        Assert.Equal(ErrorCodes.UnexpectedType, error.Code);
        Assert.Equal("x1", error.ReplyTo);
        await ServerAssert.StillServesAsync(gateway);
    }

    [Fact]
    public async Task An_invalid_user_message_gets_an_error_naming_it()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        var empty = client.UserMessage("c 1 has spaces", "hi");
        await client.SendAsync(empty);
        var error = await client.ReceiveAsync<ErrorMessage>();

        Assert.Equal(ErrorCodes.InvalidMessage, error.Code);
        Assert.Equal(empty.Id, error.ReplyTo);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("pong")] // the one message the gateway does not decode once the handshake is done
    public async Task A_first_frame_that_is_not_hello_closes_with_1002(string first)
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri);

        await client.SendAsync(first == "pong" ? client.Control(ControlActions.Pong) : client.UserMessage("c", "hi"));
        await client.ReceiveUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.ProtocolError, client.CloseStatus);
        await ServerAssert.StillServesAsync(gateway);
    }

    [Fact]
    public async Task No_hello_before_the_handshake_timeout_closes_with_4000_on_the_servers_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await TestGateway.StartAsync(
            new Dictionary<string, string?> { ["Gateway:HandshakeTimeout"] = "00:00:05" }, time, withWorker: false);
        await using var punctual = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        await using var silent = await WireClient.ConnectAsync(gateway.WebSocketUri);

        // The server arms the deadline just after the upgrade; advance until it has (at most a few rounds).
        AgentMessage? received = null;
        for (var round = 0; round < 50 && silent.CloseStatus is null; round++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            try
            {
                received = await silent.ReceiveAsync(TimeSpan.FromMilliseconds(100));
            }
            catch (TimeoutException)
            {
            }
        }

        Assert.Null(received);
        Assert.Equal(CloseCodes.HandshakeTimeout, silent.CloseStatus);

        var ping = punctual.Control(ControlActions.Ping);
        await punctual.SendAsync(ping);
        Assert.NotNull(await punctual.ReceiveAsync<ControlMessage>(m => m is ControlMessage { Action: ControlActions.Pong }));
    }

    [Fact]
    public async Task An_unsupported_subprotocol_is_refused_with_400_naming_the_supported_ones()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-ws");
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(gateway.WebSocketUri, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, gateway.HttpBase + "ws");
        var body = await (await http.SendAsync(request, TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("only accepts WebSocket upgrades", body);
    }

    [Fact]
    public async Task A_foreign_origin_is_refused_with_403_before_the_upgrade()
    {
        await using var gateway = await TestGateway.StartAsync(
            new Dictionary<string, string?> { ["Gateway:AllowedOrigins:0"] = "https://chat.example.com" }, withWorker: false);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://evil.example.net");
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(gateway.WebSocketUri, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);

        await using var allowed = await WireClient.ConnectAsync(gateway.WebSocketUri, origin: "https://chat.example.com");
        await using var sameHost = await WireClient.ConnectAsync(gateway.WebSocketUri, origin: gateway.HttpBase.GetLeftPart(UriPartial.Authority));
        Assert.Equal(WebSocketState.Open, allowed.Socket.State);
        Assert.Equal(WebSocketState.Open, sameHost.Socket.State);
    }

    [Fact]
    public async Task A_full_node_refuses_upgrades_with_503_and_retry_after()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Gateway:MaxConnections"] = "1" }, withWorker: false);
        await using var first = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        using var second = new ClientWebSocket();
        second.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => second.ConnectAsync(gateway.WebSocketUri, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.HttpStatusCode);
        Assert.Contains("Retry-After", second.HttpResponseHeaders!.Keys);
    }

    [Fact]
    public async Task Shutdown_closes_every_client_with_1001()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var a = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        await using var b = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, WireEncoding.Protobuf);

        var receiving = Task.WhenAll(a.ReceiveUntilClosedAsync(), b.ReceiveUntilClosedAsync());
        await gateway.StopAsync();
        await receiving;

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, a.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, b.CloseStatus);
    }
}
