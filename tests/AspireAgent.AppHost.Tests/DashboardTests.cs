using AspireAgent.AppHost.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AspireAgent.AppHost.Tests;

/// <summary>
/// The dashboard as a user sees it after `dotnet run --project AppHost` without containers: every resource listed
/// and running, the topology row saying what was chosen. Its screenshot is the README's (docs/images/apphost-dashboard.png).
/// </summary>
[Collection(DistributedAppCollection.Name)]
public sealed class DashboardTests(DistributedAppFixture app)
{
    private const float TimeoutMs = 90_000;

    [Fact]
    public async Task The_dashboard_lists_every_resource_running_and_the_chosen_topology()
    {
        await using var browser = await DocsBrowser.LaunchAsync();
        var page = await browser.NewPageAsync(1600, 900);

        await page.GotoAsync(app.DashboardUri.ToString());
        foreach (var resource in (string[])["topology", "redis", "inference", "web"])
        {
            await Expect(page.GetByText(resource, new() { Exact = true }).First).ToBeVisibleAsync(new() { Timeout = TimeoutMs });
        }

        // Three replicas of socket (socket-xxxxxx), each its own row.
        await Expect(page.GetByText(new System.Text.RegularExpressions.Regex("^socket-"))).ToHaveCountAsync(3, new() { Timeout = TimeoutMs });
        // Seven rows, each Running (topology, redis, inference, 3 × socket, web); a toast may say "Running" too.
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Running" })).ToHaveCountAsync(7, new() { Timeout = TimeoutMs });

        await DocsBrowser.SaveAsync(page, "apphost-dashboard.png");
    }

    [Fact]
    public async Task One_answer_is_one_trace_across_the_gateway_and_the_worker()
    {
        await using (var client = AspireAgent.IntegrationTests.Client.ResilientClients.Create(app.GatewayUri))
        {
            await client.ConnectAsync(TestContext.Current.CancellationToken);
            await AspireAgent.IntegrationTests.Client.ResilientClients.AskAsync(client, "traced", "Which processes does this answer cross?");
        }

        await using var browser = await DocsBrowser.LaunchAsync();
        var page = await browser.NewPageAsync(1600, 900);
        await page.GotoAsync(new Uri(app.DashboardUri, "/traces").ToString());

        // The answer's trace starts at the gateway's chat.request and holds spans of redis and of the worker: the
        // trace context crossed the bus. The bus's polling makes no traces of its own (RedisTracingFilter).
        var crossing = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "socket: chat.request" })
            .Filter(new() { HasText = "inference" }).Filter(new() { HasText = "redis" });
        await Expect(crossing.First).ToBeVisibleAsync(new() { Timeout = TimeoutMs });
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("XREADGROUP|XAUTOCLAIM") })).ToHaveCountAsync(0);
        await DocsBrowser.SaveAsync(page, "apphost-traces.png");
    }
}
