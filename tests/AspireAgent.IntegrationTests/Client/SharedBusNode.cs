using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Socket;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireAgent.IntegrationTests.Client;

/// <summary>
/// A second gateway node (no worker) in the same process as a <see cref="TestGateway"/>, sharing its bus and its
/// Data Protection key ring the way nodes of the distributed mode share Redis and keys: a stream started through
/// one node can be resumed through the other, with the same identity token.
/// </summary>
internal sealed class SharedBusNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SharedBusNode(WebApplication app, Uri httpBase)
    {
        _app = app;
        HttpBase = httpBase;
    }

    public Uri HttpBase { get; }

    public static async Task<SharedBusNode> StartAsync(TestGateway first, string nodeId)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:NodeId"] = nodeId });

        // Registered before the bus and the gateway, which then find them and add no in-memory ones of their own.
        var shared = first.Services;
        builder.Services.AddSingleton(shared.GetRequiredService<IRequestQueue>());
        builder.Services.AddSingleton(shared.GetRequiredService<IStreamStore>());
        builder.Services.AddSingleton(shared.GetRequiredService<IConversationStore>());
        builder.Services.AddSingleton(shared.GetRequiredService<IStreamSignals>());
        builder.Services.AddSingleton(shared.GetRequiredService<IDataProtectionProvider>());
        builder.AddAgentBus();
        builder.AddSocketGateway();

        var app = builder.Build();
        app.MapSocketGateway();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SharedBusNode(app, new Uri(address));
    }

    /// <summary>Shuts the node down as a deployment does: every client is told 1001 (going away) first.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
