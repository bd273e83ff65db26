using AspireAgent.Bus;
using AspireAgent.Inference;
using AspireAgent.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection;
using AspireAgent.Socket;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireAgent.IntegrationTests.Infrastructure;

/// <summary>
/// A real gateway (and by default a worker on the simulated model) in one Kestrel host on 127.0.0.1 and a
/// free port: the same composition as the single-process mode.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGateway(WebApplication app, Uri httpBase)
    {
        _app = app;
        HttpBase = httpBase;
        WebSocketUri = new Uri($"ws://{httpBase.Authority}/ws");
    }

    public Uri HttpBase { get; }

    public Uri WebSocketUri { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestGateway> StartAsync(
        IDictionary<string, string?>? settings = null,
        TimeProvider? time = null,
        bool withWorker = true,
        bool withServiceDefaults = false,
        int? socketSendBufferBytes = null,
        TestGateway? shareBusWith = null,
        ILoggerProvider? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (socketSendBufferBytes is { } sendBuffer)
        {
            // A fixed SO_SNDBUF (inherited by accepted sockets) turns off Linux's autotuning, which on loopback
            // would otherwise absorb megabytes before a client that stopped reading is noticed.
            builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = sendBuffer;
                return socket;
            });
        }

        builder.Logging.ClearProviders().AddDebug();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inference:Provider"] = "Simulated",
            ["Inference:Simulated:TokensPerSecond"] = "2000",
            ["Inference:Simulated:TokenCount"] = "40",
        });
        if (time is not null && time != TimeProvider.System)
        {
            // On a test's fake clock deadlines run at their exact instants, so a test can step to them; the
            // slotting itself is proven by ConnectionTimersTests.
            builder.Configuration.AddInMemoryCollection([new("Gateway:TimerResolution", "00:00:00")]);
        }

        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (shareBusWith?.Services is { } shared)
        {
            // Another node of the same cluster: registered before the bus and the gateway, which then find them and
            // add no in-memory ones of their own — the way nodes of the distributed mode share Redis and its key ring.
            builder.Services.AddSingleton(shared.GetRequiredService<IRequestQueue>());
            builder.Services.AddSingleton(shared.GetRequiredService<IStreamStore>());
            builder.Services.AddSingleton(shared.GetRequiredService<IConversationStore>());
            builder.Services.AddSingleton(shared.GetRequiredService<IStreamSignals>());
            builder.Services.AddSingleton(shared.GetRequiredService<IAnswerQuota>());
            builder.Services.AddSingleton(shared.GetRequiredService<IDataProtectionProvider>());
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        if (withServiceDefaults)
        {
            builder.AddServiceDefaults();
        }

        builder.AddAgentBus();
        builder.AddSocketGateway();
        services?.Invoke(builder.Services);
        if (withWorker)
        {
            builder.AddInferenceWorker();
        }

        var app = builder.Build();
        if (withServiceDefaults)
        {
            app.MapDefaultEndpoints();
        }

        app.MapSocketGateway();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestGateway(app, new Uri(address));
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
