using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using AspireAgent.AppHost.Tests.Infrastructure;
using AspireAgent.IntegrationTests.Client;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.AppHost.Tests;

/// <summary>The app as `dotnet run --project AppHost` starts it without containers, reached the way a user reaches it.</summary>
[Collection(DistributedAppCollection.Name)]
public sealed class DistributedAppTests(DistributedAppFixture app)
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Answers_through_the_one_gateway_url_are_whole_and_land_on_several_replicas()
    {
        Assert.Equal(3, app.StartedGatewayReplicas.Count);
        using var limit = Limit();
        var nodes = new List<string>();
        // DCP's proxy picks a replica per connection; under load it may hand a run of them to one replica, so the
        // test asks until two replicas have answered (every answer whole), within a bound that a proxy pinning
        // every connection to one replica cannot pass.
        for (var i = 0; i < 18 && (i < 6 || nodes.Distinct().Count() < 2); i++)
        {
            await using var client = await ConnectWithRetryAsync(limit.Token);
            AssertWhole(await client.AskAsync($"replicas-{i}", $"Question {i}: which node am I on?"));
            nodes.Add(client.Node!);
        }

        Assert.True(nodes.Distinct().Count() >= 2, $"All {nodes.Count} answers came from {string.Join(", ", nodes.Distinct())}.");
    }

    [Fact]
    public async Task The_page_served_by_web_names_the_gateway_url_and_its_origin_passes_the_gateway_check()
    {
        using var limit = Limit();
        using var http = new HttpClient { BaseAddress = app.WebUri };
        var config = await http.GetFromJsonAsync<Dictionary<string, string>>("/client-config", limit.Token);
        var gateway = new Uri(config!["gatewayUrl"]);
        Assert.Equal(app.GatewayUri.Port, gateway.Port);
        Assert.Equal("/ws", gateway.AbsolutePath);

        // The page's origin under either loopback name a user may open it by.
        foreach (var host in (string[])["localhost", "127.0.0.1"])
        {
            using var allowed = await OpenWithOriginAsync(gateway, $"http://{host}:{app.WebUri.Port}", limit.Token);
            Assert.Equal(WebSocketState.Open, allowed.State);
        }

        // The check is live: an origin the AppHost did not name is refused before the upgrade.
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => OpenWithOriginAsync(gateway, "http://elsewhere.example", limit.Token));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_killed_mid_answer_leaves_the_answer_whole_resumed_through_the_same_url_on_another()
    {
        using var limit = Limit();
        await using var client = await ConnectWithRetryAsync(limit.Token);
        var first = client.Node!;
        // Node ids are host-pid unless configured: the welcome names the process to kill.
        var pid = int.Parse(first[(first.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        // The orchestrator started each replica through `dotnet run`, whose child serves.
        Assert.True(app.StartedGatewayReplicas.TryGetValue(ParentOf(pid), out var replica), $"{first} is not a replica the AppHost started.");

        var killed = false;
        try
        {
            var answer = await client.AskAsync("replica-killed", "Keep talking while your node dies.", async chunk =>
            {
                if (chunk.Seq == 3)
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    await process.WaitForExitAsync(limit.Token);
                    killed = true;
                }
            });

            Assert.True(killed, "The answer ended before its fourth chunk.");
            AssertWhole(answer);
            Assert.NotEqual(first, client.Node);
        }
        finally
        {
            if (killed)
            {
                await app.StartReplicaAgainAsync(replica!, limit.Token);
            }
        }
    }

    /// <summary>Ended normally, every chunk exactly once and in order, adding up to the full content.</summary>
    private static void AssertWhole(ReadAnswer answer)
    {
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        answer.AssertContiguous();
        Assert.Equal(answer.End.FullContent, answer.Text);
        Assert.NotEmpty(answer.Text);
    }

    // Linux: the fourth field of /proc/<pid>/stat (after the parenthesised name, which may hold spaces).
    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static CancellationTokenSource Limit()
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TestTimeout);
        return limit;
    }

    // The proxy may still hand a new connection to a replica another test killed: a new connection then fails at
    // once and the next one goes elsewhere, as a user's client retrying would.
    private async Task<AgentClient> ConnectWithRetryAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var client = ResilientClients.Create(app.GatewayUri);
                try
                {
                    await client.ConnectAsync(cancellationToken);
                    return client;
                }
                catch
                {
                    await client.DisposeAsync();
                    throw;
                }
            }
            catch (Exception ex) when (attempt < 3 && ex is AgentConnectionException or WebSocketException)
            {
            }
        }
    }

    private static async Task<ClientWebSocket> OpenWithOriginAsync(Uri gateway, string origin, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(Protocol.Encoding.MessageCodecs.Json.SubProtocol);
        socket.Options.SetRequestHeader("Origin", origin);
        try
        {
            await socket.ConnectAsync(gateway, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
