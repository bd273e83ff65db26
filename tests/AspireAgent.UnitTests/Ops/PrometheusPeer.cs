using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AspireAgent.UnitTests.Ops;

/// <summary>
/// A stand-in for Prometheus's HTTP API on 127.0.0.1: answers <c>/api/v1/query_range</c> with what
/// <see cref="Respond"/> returns for the query, and remembers every request's parameters.
/// </summary>
internal sealed class PrometheusPeer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PrometheusPeer(WebApplication app) => _app = app;

    public Func<string, (int Status, string Json)> Respond { get; set; } = _ => (200, """{"status":"success","data":{"resultType":"matrix","result":[]}}""");

    public ConcurrentQueue<IQueryCollection> Requests { get; } = new();

    public Uri Url => new(_app.Urls.Single());

    public static async Task<PrometheusPeer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var peer = new PrometheusPeer(app);
        app.MapGet("/api/v1/query_range", (HttpRequest request) =>
        {
            peer.Requests.Enqueue(request.Query);
            var (status, json) = peer.Respond(request.Query["query"].ToString());
            return Results.Content(json, "application/json", statusCode: status);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
