using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AspireAgent.IntegrationTests.Inference;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using AspireAgent.IntegrationTests.ScaleOut;

namespace AspireAgent.IntegrationTests.Observability;

/// <summary>
/// An answer's trace through the Redis bus holds its Redis commands — lease, start, end, turn — but not one span
/// per chunk appended: those are the answer's bulk, and a span each would outweigh the appends themselves.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class RedisTracingTests
{
    // Under the producer's window (64 unacknowledged chunks): nobody acknowledges here.
    private const int Tokens = 60;

    // The Redis instrumentation's activity sources (old and new semantic conventions) share this prefix.
    private const string RedisSources = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    [Fact]
    public async Task An_answer_traced_through_redis_has_its_lifecycle_commands_as_spans_but_no_span_per_chunk()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "AspireAgent.Inference"
                || source.Name.StartsWith(RedisSources, StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await using var redis = await RedisServer.StartAsync();
        await using var worker = await InferenceTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Inference:Simulated:TokensPerSecond"] = "200",
            ["Inference:Simulated:TokenCount"] = Tokens.ToString(CultureInfo.InvariantCulture),
            // One token per chunk: a chunk for every token, appended on its own when the bus keeps up.
            ["Inference:Batching:MaxChars"] = "1",
        }, ct);

        var request = await worker.AskAsync("Which Redis commands does an answer's trace show?", ct);
        var answer = await worker.ReadAnswerAsync(request.StreamId, ct);
        Assert.Equal(Tokens, answer.Chunks.Count);
        var answerSpan = await WaitForAsync(() => spans.FirstOrDefault(s => s.OperationName == "inference.answer" && (string?)s.GetTagItem("aspireagent.stream_id") == request.StreamId), ct);

        // The instrumentation turns profiled commands into spans on its own flush (every 10 s by default).
        var redisSpans = await WaitForAsync(() => RedisSpansOf(spans, answerSpan.TraceId) is { Count: > 0 } found ? found : null, ct);
        var report = $"{redisSpans.Count} Redis spans for {Tokens} chunks: {string.Join(", ", redisSpans.Select(s => s.DisplayName))}";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.True(redisSpans.Count < Tokens / 4, report);
    }

    private static List<Activity> RedisSpansOf(IEnumerable<Activity> spans, ActivityTraceId traceId) =>
        [.. spans.Where(s => s.TraceId == traceId && s.Source.Name.StartsWith(RedisSources, StringComparison.Ordinal))];

    // Polls an outcome of another component's background work (the worker, the instrumentation's flush): at most 30 s.
    private static async Task<T> WaitForAsync<T>(Func<T?> probe, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("Nothing came within 30 s.");
    }
}
