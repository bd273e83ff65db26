using System.Net.Http.Json;
using System.Text.Json;
using AspireAgent.BrowserTests.Infrastructure;

namespace AspireAgent.BrowserTests;

/// <summary>How the host decides where the browser's WebSocket goes, observed through <c>GET /client-config</c>.</summary>
public sealed class ClientConfigTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "explicit URL wins over discovery", "Web__GatewayUrl=wss://gateway.example/ws;services__socket__http__0=http://127.0.0.1:7000", "wss://gateway.example/ws" },
        { "Aspire discovery, https first", "services__socket__http__0=http://127.0.0.1:7000;services__socket__https__0=https://127.0.0.1:7001", "wss://127.0.0.1:7001/ws" },
        { "Aspire discovery, http only", "services__socket__http__0=http://127.0.0.1:7000", "ws://127.0.0.1:7000/ws" },
        { "standalone", "", "/ws" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_gateway_url_comes_from_configuration_then_discovery_then_standalone(string scenario, string environment, string expected)
    {
        var variables = environment.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        await using var host = await StandaloneHost.StartAsync(variables, readyTimeout: TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = host.Url };

        var config = await http.GetFromJsonAsync<JsonElement>("/client-config", TestContext.Current.CancellationToken);

        Assert.True(expected == config.GetProperty("gatewayUrl").GetString(), $"{scenario}: got {config}");
    }
}
