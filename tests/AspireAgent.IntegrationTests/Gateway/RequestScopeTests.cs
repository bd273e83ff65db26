using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>
/// An upgraded request's DI scope ends at the upgrade, not when the WebSocket closes hours later: what any
/// middleware resolved in it would otherwise be held for every idle connection.
/// </summary>
public sealed class RequestScopeTests
{
    [Fact]
    public async Task The_scope_of_an_upgraded_request_ends_while_its_WebSocket_stays_open()
    {
        var probes = new ScopeProbes();
        await using var gateway = await TestGateway.StartAsync(withWorker: false, services: services =>
        {
            services.AddSingleton(probes);
            services.AddScoped<ScopeProbe>();
            services.AddTransient<IStartupFilter, ProbeEveryRequest>();
        });

        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri);
        await client.HelloAsync();
        var probe = Assert.Single(probes.Created);

        Assert.True(probe.Disposed, "the upgraded request's scope is still alive");
        // The connection goes on serving on the application's services.
        await client.SendAsync(client.Control(ControlActions.Ping));
        await client.ReceiveAsync<ControlMessage>(m => m is ControlMessage { Action: ControlActions.Pong });
    }

    private sealed class ScopeProbes
    {
        public List<ScopeProbe> Created { get; } = [];
    }

    private sealed class ScopeProbe : IDisposable
    {
        public ScopeProbe(ScopeProbes probes)
        {
            lock (probes.Created)
            {
                probes.Created.Add(this);
            }
        }

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    // What the authentication middleware does on every request: resolve something from the request's services.
    private sealed class ProbeEveryRequest : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.RequestServices.GetRequiredService<ScopeProbe>();
                return following(context);
            });
            next(app);
        };
    }
}
