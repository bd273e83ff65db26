using System.Net;
using System.Net.WebSockets;
using AspireAgent.IntegrationTests.Client;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>Sign-in with a bearer token on the upgrade: tokens minted here with a symmetric key the gateway trusts.</summary>
public sealed class BearerTokenTests
{
    private readonly TestTokens _tokens = new();

    [Fact]
    public async Task A_valid_token_streams_as_its_subject_and_an_anonymous_hello_token_cannot_override_it()
    {
        await using var gateway = await TestGateway.StartAsync(_tokens.GatewaySettings("Either"));
        string anonymousToken;
        await using (var anonymous = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri))
        {
            anonymousToken = anonymous.IdentityToken!;
            Assert.StartsWith("u_", anonymous.IdentityId);
        }

        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri, bearer: _tokens.Mint("alice"));
        var welcome = await client.HelloAsync(token: anonymousToken);
        var answer = await client.AskAsync("conv-alice", "hello");

        Assert.Equal("alice", welcome.Get(ControlKeys.Identity));
        Assert.Null(welcome.Get(ControlKeys.Token));
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.NotEmpty(answer.Chunks);
    }

    [Theory]
    [InlineData("Jwt", "missing")]
    [InlineData("Jwt", "expired")]
    [InlineData("Jwt", "wrong-audience")]
    [InlineData("Jwt", "bad-signature")]
    [InlineData("Either", "expired")]
    public async Task A_missing_or_invalid_token_gets_401_before_the_upgrade(string mode, string fault)
    {
        await using var gateway = await TestGateway.StartAsync(_tokens.GatewaySettings(mode), withWorker: false);
        var token = fault switch
        {
            "missing" => null,
            "expired" => _tokens.Mint("alice", lifetime: TimeSpan.FromMinutes(-5)),
            "wrong-audience" => _tokens.Mint("alice", audience: "another-service"),
            _ => _tokens.Mint("alice", signingKey: new TestTokens().SigningKey),
        };
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(gateway.WebSocketUri, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.True(socket.HttpResponseHeaders!.ContainsKey("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_browser_passes_its_token_as_access_token_and_without_one_either_mode_is_anonymous()
    {
        await using var gateway = await TestGateway.StartAsync(_tokens.GatewaySettings("Either"), withWorker: false);
        var withQuery = new Uri($"{gateway.WebSocketUri}?access_token={Uri.EscapeDataString(_tokens.Mint("bob"))}");

        await using var browser = await WireClient.ConnectAndHelloAsync(withQuery);
        await using var anonymous = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        Assert.Equal("bob", browser.IdentityId);
        Assert.StartsWith("u_", anonymous.IdentityId);
    }

    [Fact]
    public async Task A_token_in_the_query_is_never_logged()
    {
        using var logs = new FakeLoggerProvider();
        await using var gateway = await TestGateway.StartAsync(_tokens.GatewaySettings(), withWorker: false, logs: logs);
        var token = _tokens.Mint("bob");

        await using (var client = await WireClient.ConnectAndHelloAsync(new Uri($"{gateway.WebSocketUri}?access_token={token}")))
        {
            Assert.Equal("bob", client.IdentityId);
        }

        var written = logs.Collector.GetSnapshot();
        Assert.NotEmpty(written);
        Assert.DoesNotContain(written, record => record.Message.Contains(token[..20], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_subject_can_neither_continue_nor_resume_nor_interrupt_nor_ack_what_a_subject_owns()
    {
        await using var gateway = await TestGateway.StartAsync(_tokens.GatewaySettings());
        await using var owner = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, bearer: _tokens.Mint("alice"));
        var answer = await owner.AskAsync("conv-owned", "my question");
        await using var intruder = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, bearer: _tokens.Mint("mallory"));
        var stream = new Dictionary<string, string> { [ControlKeys.StreamId] = answer.Start.StreamId };

        await intruder.SendAsync(intruder.UserMessage("conv-owned", "what did they ask?"));
        Assert.Equal(ErrorCodes.Forbidden, (await intruder.ReceiveAsync<ErrorMessage>()).Code);
        await intruder.SendAsync(intruder.Control(ControlActions.Resume, stream));
        Assert.Equal(ErrorCodes.Forbidden, (await intruder.ReceiveAsync<ErrorMessage>()).Code);
        await intruder.SendAsync(intruder.Control(ControlActions.Interrupt, stream));
        Assert.Equal(ErrorCodes.Forbidden, (await intruder.ReceiveAsync<ErrorMessage>()).Code);
        await intruder.SendAsync(intruder.Control(ControlActions.Ack, new Dictionary<string, string>(stream) { [ControlKeys.Seq] = "0" }));
        Assert.Equal(ErrorCodes.Forbidden, (await intruder.ReceiveAsync<ErrorMessage>()).Code);

        // The conversation belongs to the subject, not to a connection: a new sign-in continues it and reads the old answer.
        await using var back = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, bearer: _tokens.Mint("alice"));
        Assert.Equal(FinishReason.Stop, (await back.AskAsync("conv-owned", "and again")).End.FinishReason);
        await back.SendAsync(back.Control(ControlActions.Resume, stream));
        Assert.Equal(answer.Start.StreamId, (await back.ReceiveAsync<AssistantStart>()).StreamId);
    }

    [Fact]
    public async Task The_dotnet_client_asks_its_provider_for_a_token_on_every_connection()
    {
        await using var gateway = await TestGateway.StartAsync(_tokens.GatewaySettings());
        await using var proxy = new CuttingProxy(gateway.HttpBase);
        var issued = 0;
        await using var client = ResilientClients.Create(proxy.WebSocketUri, options => options.AccessTokenProvider = _ =>
            ValueTask.FromResult<string?>(_tokens.Mint("carol", lifetime: TimeSpan.FromMinutes(Interlocked.Increment(ref issued)))));

        await client.ConnectAsync(TestContext.Current.CancellationToken);
        Assert.Equal("carol", client.IdentityId);
        Assert.Equal(1, proxy.CutAll());
        using var reconnected = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        reconnected.CancelAfter(TimeSpan.FromSeconds(15));
        while (Volatile.Read(ref issued) < 2 || !client.IsOpen)
        {
            await Task.Delay(20, reconnected.Token);
        }

        var answer = await client.AskAsync("conv-carol", "after the cut");

        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal("carol", client.IdentityId);
    }

    [Fact]
    public async Task A_mode_that_takes_tokens_refuses_to_start_without_a_key_and_an_audience()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.StartAsync(
            new Dictionary<string, string?> { ["Gateway:Authentication:Mode"] = "Jwt" }, withWorker: false));

        Assert.Contains("SigningKey", failure.Message);
        Assert.Contains("Audience", failure.Message);
    }

    [Fact]
    public async Task The_bearer_scheme_runs_only_for_the_upgrade_and_not_as_every_requests_default()
    {
        await using var gateway = await TestGateway.StartAsync(_tokens.GatewaySettings("Either"), withWorker: false);
        var schemes = gateway.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        // As the only scheme it would become the default: the middleware would then authenticate every request and
        // hold the handler for the life of each WebSocket. The upgrade names the scheme itself.
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
        Assert.NotNull(await schemes.GetSchemeAsync(JwtBearerDefaults.AuthenticationScheme));
        await using var signedIn = await WireClient.ConnectAsync(gateway.WebSocketUri, bearer: _tokens.Mint("carol"));
        Assert.Equal("carol", (await signedIn.HelloAsync()).Get(ControlKeys.Identity));
    }
}
