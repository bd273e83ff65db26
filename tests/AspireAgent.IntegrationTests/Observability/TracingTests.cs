using System.Collections.Concurrent;
using System.Diagnostics;
using AspireAgent.IntegrationTests.Inference;
using AspireAgent.IntegrationTests.Infrastructure;

namespace AspireAgent.IntegrationTests.Observability;

/// <summary>One trace per chat request: gateway span → (bus) → worker span → the model's HTTP call → the model server.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task One_trace_id_runs_from_the_gateway_through_the_worker_to_the_model_http_call()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "AspireAgent.Socket" or "AspireAgent.Inference" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var traceparents = new ConcurrentBag<string>();
        await using var ollama = await FakeOllamaServer.StartAsync(x =>
        {
            traceparents.Add(x.Context.Request.Headers.TraceParent.ToString());
            return x.StreamAsync(["traced", " answer"], promptEvalCount: 3, evalCount: 2);
        }, ct);
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Provider"] = "Ollama",
            ["Inference:Ollama:Endpoint"] = ollama.Endpoint.ToString(),
        });
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        var first = await client.AskAsync("conv-trace", "Trace me.");
        var second = await client.AskAsync("conv-trace", "And me, in a trace of my own.");

        // The listener sees every test running in parallel: keep this test's requests only.
        string[] mine = [first.Start.StreamId, second.Start.StreamId];
        var requests = spans.Where(s => s.OperationName == "chat.request" && mine.Contains((string?)s.GetTagItem("aspireagent.stream_id"))).ToList();
        Assert.Equal(2, requests.Count);
        var gatewaySpan = requests.Single(s => (string?)s.GetTagItem("aspireagent.stream_id") == first.Start.StreamId);
        var traceId = gatewaySpan.TraceId;
        Assert.NotEqual(traceId, requests.Single(s => s != gatewaySpan).TraceId);

        var trace = spans.Where(s => s.TraceId == traceId).ToDictionary(s => s.SpanId);
        var workerSpan = Assert.Single(trace.Values, s => s.OperationName == "inference.answer");
        Assert.Equal(gatewaySpan.SpanId, workerSpan.ParentSpanId);
        var httpSpan = Assert.Single(trace.Values, s => s.Source.Name == "System.Net.Http");
        Assert.Contains(workerSpan, Ancestors(httpSpan, trace));
        Assert.Contains(traceparents, tp => tp.Contains(traceId.ToHexString(), StringComparison.Ordinal));
        Assert.Equal("stop", workerSpan.GetTagItem("gen_ai.response.finish_reasons")?.ToString());
        Assert.NotNull(second.End);
    }

    private static IEnumerable<Activity> Ancestors(Activity span, Dictionary<ActivitySpanId, Activity> trace)
    {
        while (trace.TryGetValue(span.ParentSpanId, out var parent))
        {
            yield return parent;
            span = parent;
        }
    }
}
