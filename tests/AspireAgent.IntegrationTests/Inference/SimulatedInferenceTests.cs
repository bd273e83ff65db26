using System.Collections.Concurrent;
using System.Diagnostics;
using AspireAgent.Protocol;
using Microsoft.Extensions.Logging;

namespace AspireAgent.IntegrationTests.Inference;

/// <summary>The worker with no model configured: the simulated model, end to end through the bus.</summary>
public sealed class SimulatedInferenceTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Inference:Simulated:TokensPerSecond"] = "2000",
        ["Inference:Simulated:TokenCount"] = "12",
        ["Inference:Batching:MaxChars"] = "1",
    };

    [Fact]
    public async Task Streams_a_deterministic_simulated_answer_and_says_so()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        await using var host = await InferenceTestHost.StartAsync(Settings, deadline.Token);

        var request = await host.AskAsync("What does the simulated model say?", deadline.Token);
        var answer = await host.ReadAnswerAsync(request.StreamId, deadline.Token);

        Assert.True(answer.Start.Simulated);
        Assert.Equal("simulated", answer.Start.Model);
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal(12, answer.Chunks.Count);
        Assert.Equal(12, answer.End.FullContent.Split(' ').Length);
        Assert.Equal(12, answer.End.Usage.CompletionTokens);
        Assert.Equal(6, answer.End.Usage.PromptTokens);
        Assert.Contains(host.Logs.GetSnapshot(), log => log.Level == LogLevel.Warning && log.Message.Contains("SIMULATED", StringComparison.Ordinal));

        // Same history, same answer; another question, another answer.
        var again = await host.ReadAnswerAsync((await host.AskAsync("What does the simulated model say?", deadline.Token)).StreamId, deadline.Token);
        var other = await host.ReadAnswerAsync((await host.AskAsync("Something else entirely", deadline.Token)).StreamId, deadline.Token);
        Assert.Equal(answer.End.FullContent, again.End.FullContent);
        Assert.NotEqual(answer.End.FullContent, other.End.FullContent);
    }

    [Fact]
    public async Task Joins_the_gateway_trace_through_the_request_traceparent()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        var spans = new ConcurrentDictionary<string, TaskCompletionSource<Activity>>(StringComparer.Ordinal);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "AspireAgent.Inference",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.OperationName == "inference.answer" && span.GetTagItem("aspireagent.stream_id") is string streamId)
                {
                    spans.GetOrAdd(streamId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(span);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await InferenceTestHost.StartAsync(Settings, deadline.Token);
        var gateway = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        var request = await host.AskAsync(
            "Trace me", deadline.Token, traceParent: $"00-{gateway.TraceId}-{gateway.SpanId}-01");
        await host.ReadAnswerAsync(request.StreamId, deadline.Token);

        var span = await spans.GetOrAdd(request.StreamId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task
            .WaitAsync(deadline.Token);
        Assert.Equal(gateway.TraceId, span.TraceId);
        Assert.Equal(gateway.SpanId, span.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
    }
}
