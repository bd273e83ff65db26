using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AspireAgent.IntegrationTests.Inference;

/// <summary>
/// An HTTP peer that speaks Ollama's <c>POST /api/chat</c> as Ollama does: NDJSON lines with a message
/// fragment each, then a line with <c>done: true</c>, the done reason and the token counts. Each test
/// scripts what the server does per request and sees every request it received.
/// </summary>
internal sealed class FakeOllamaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonElement> _requests = new();
    private int _attempts;

    private FakeOllamaServer(WebApplication app) => _app = app;

    public Uri Endpoint => new(_app.Urls.Single());

    /// <summary>The JSON bodies of the chat requests received, in order.</summary>
    public IReadOnlyList<JsonElement> Requests => [.. _requests];

    public static async Task<FakeOllamaServer> StartAsync(Func<OllamaExchange, Task> respond, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOllamaServer(app);
        app.MapPost("/api/chat", async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            server._requests.Enqueue(body.RootElement.Clone());
            // Numbered at arrival: two requests in flight must not both read the queue's count.
            var attempt = Interlocked.Increment(ref server._attempts);
            await respond(new OllamaExchange(context, attempt, body.RootElement.Clone()));
        });
        await app.StartAsync(cancellationToken);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>One request to the fake server and the means to answer it the way Ollama does.</summary>
internal sealed class OllamaExchange(HttpContext context, int attempt, JsonElement request)
{
    private string Model => request.GetProperty("model").GetString()!;

    public HttpContext Context => context;

    /// <summary>The JSON body of the request (model, messages, options).</summary>
    public JsonElement Request => request;

    /// <summary>1 for the first request the server received, 2 for the second…</summary>
    public int Attempt => attempt;

    public Task FailAsync(int status)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync("""{"error":"server busy"}""", context.RequestAborted);
    }

    public async Task SendTokensAsync(IEnumerable<string> tokens)
    {
        foreach (var token in tokens)
        {
            await WriteLineAsync(new
            {
                model = Model,
                created_at = CreatedAt(),
                message = new { role = "assistant", content = token },
                done = false,
            });
        }
    }

    public Task SendDoneAsync(int promptEvalCount, int evalCount, string doneReason = "stop") =>
        WriteLineAsync(new
        {
            model = Model,
            created_at = CreatedAt(),
            message = new { role = "assistant", content = "" },
            done = true,
            done_reason = doneReason,
            total_duration = 4_935_886_791L,
            load_duration = 534_986_708L,
            prompt_eval_count = promptEvalCount,
            prompt_eval_duration = 107_345_000L,
            eval_count = evalCount,
            eval_duration = 4_289_432_000L,
        });

    public async Task StreamAsync(IEnumerable<string> tokens, int promptEvalCount, int evalCount)
    {
        await SendTokensAsync(tokens);
        await SendDoneAsync(promptEvalCount, evalCount);
    }

    /// <summary>Waits until the client gives up on the request; true when it did.</summary>
    public async Task<bool> WaitForClientAbortAsync(CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return context.RequestAborted.IsCancellationRequested;
    }

    private async Task WriteLineAsync(object line)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.ContentType = "application/x-ndjson";
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(line) + "\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static string CreatedAt() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'");
}
