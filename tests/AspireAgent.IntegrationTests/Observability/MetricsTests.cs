using System.Diagnostics.Metrics;
using System.Text;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AspireAgent.IntegrationTests.Observability;

/// <summary>A scripted session moves every metric of the design's four groups that the gateway and worker own.</summary>
public sealed class MetricsTests
{
    private const string Gateway = "AspireAgent.Socket";
    private const string Inference = "AspireAgent.Inference";

    [Fact]
    public async Task A_scripted_session_moves_the_connection_message_and_business_metrics()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Simulated:TokensPerSecond"] = "300",
            ["Inference:Simulated:TokenCount"] = "60",
            ["Inference:Backpressure:Window"] = "4",
            // The gateway acknowledges in batches, which must stay below the window.
            ["Gateway:AcknowledgeEvery"] = "2",
        });
        var meters = gateway.Services.GetRequiredService<IMeterFactory>();
        using var attempts = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.connection.attempts");
        using var active = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.connections.active");
        using var durations = new MetricCollector<double>(meters, Gateway, "aspireagent.gateway.connection.duration");
        using var closes = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.connection.closes");
        using var resumes = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.resumes");
        using var received = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.messages.received");
        using var sent = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.messages.sent");
        using var bytesSent = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.bytes.sent");
        using var latency = new MetricCollector<double>(meters, Gateway, "aspireagent.gateway.delivery.latency");
        using var failures = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.message.failures");
        using var answers = new MetricCollector<long>(meters, Inference, "aspireagent.inference.answers");
        using var firstToken = new MetricCollector<double>(meters, Inference, "aspireagent.inference.time_to_first_token");
        using var responseTime = new MetricCollector<double>(meters, Inference, "aspireagent.inference.response.duration");
        using var queueWait = new MetricCollector<double>(meters, Inference, "aspireagent.inference.queue.duration");
        using var tokens = new MetricCollector<long>(meters, Inference, "aspireagent.inference.tokens");
        using var pauses = new MetricCollector<long>(meters, Inference, "aspireagent.inference.backpressure.pauses");
        using var handshakes = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.handshakes");
        using var backlog = new MetricCollector<long>(meters, "AspireAgent.Bus", "aspireagent.bus.requests.backlog");
        using var queued = new MetricCollector<long>(meters, Gateway, "aspireagent.gateway.outbound.queued");

        // Connect and stream.
        var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, WireEncoding.Protobuf);
        Assert.Equal(1, Sum(attempts, "outcome", "accepted"));
        Assert.Equal(1, active.GetMeasurementSnapshot().Sum(m => m.Value));
        var answer = await client.AskAsync("conv-metrics", "Count the metrics.");

        // Per-frame counts are running totals observed at collection (one measurement per tag combination).
        sent.RecordObservableInstruments();
        received.RecordObservableInstruments();
        bytesSent.RecordObservableInstruments();
        Assert.Equal(answer.Chunks.Count, Sum(sent, "type", MessageTypes.AssistantChunk));
        Assert.Equal(1, Sum(received, "type", MessageTypes.UserMessage));
        Assert.True(bytesSent.GetMeasurementSnapshot().Sum(m => m.Value) > 0);
        Assert.Equal(answer.Chunks.Count, latency.GetMeasurementSnapshot().Count);
        await WaitForAsync(() => Sum(answers, "finish_reason", "stop") == 1);
        Assert.Equal(answer.End.Usage.CompletionTokens, tokens.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Single(firstToken.GetMeasurementSnapshot());
        Assert.Single(responseTime.GetMeasurementSnapshot());
        Assert.InRange(Assert.Single(queueWait.GetMeasurementSnapshot()).Value, 0, firstToken.GetMeasurementSnapshot()[0].Value);

        // Interrupt.
        var question = client.UserMessage("conv-metrics", "Now talk for a while.");
        await client.SendAsync(question);
        var start = await client.ReceiveAsync<AssistantStart>();
        await client.ReceiveAsync<AssistantChunk>();
        await client.SendAsync(client.Control(ControlActions.Interrupt, new Dictionary<string, string> { [ControlKeys.StreamId] = start.StreamId }));
        await client.ReceiveAsync<AssistantEnd>();
        await WaitForAsync(() => Sum(answers, "finish_reason", "interrupted") == 1);

        // Resume, on a new connection.
        await client.DisposeAsync();
        await using var again = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, token: client.IdentityToken);
        await again.SendAsync(again.Control(ControlActions.Resume, new Dictionary<string, string> { [ControlKeys.StreamId] = answer.Start.StreamId, [ControlKeys.Seq] = "0" }));
        await again.ReceiveAsync<AssistantEnd>();
        Assert.Equal(1, Sum(resumes, "outcome", "resumed"));
        Assert.Equal(1, Sum(handshakes, "identity", "new"));
        Assert.Equal(1, Sum(handshakes, "identity", "returning"));
        await WaitForAsync(() => durations.GetMeasurementSnapshot().Count == 1);
        Assert.Equal(1, Sum(closes, "close_code", 1000));

        // A slow consumer: acknowledges nothing, reads nothing; the producer pauses.
        await using var slow = await WireClient.ConnectAsync(gateway.WebSocketUri);
        await slow.HelloAsync(flow: ControlKeys.FlowAck);
        await slow.SendAsync(slow.UserMessage("conv-slow", "Never mind reading this."));
        await WaitForAsync(() => pauses.GetMeasurementSnapshot().Sum(m => m.Value) >= 1);

        // The observable gauges report (the backlog within the queue's capacity; the outbox depth of every connection).
        backlog.RecordObservableInstruments();
        queued.RecordObservableInstruments();
        Assert.InRange(backlog.LastMeasurement!.Value, 0, 1024);
        Assert.NotNull(queued.LastMeasurement);

        // A bad frame.
        await again.SendRawAsync(Encoding.UTF8.GetBytes("{ nope"), System.Net.WebSockets.WebSocketMessageType.Text);
        await again.ReceiveUntilClosedAsync();
        await WaitForAsync(() => Sum(failures, "reason", "malformed") == 1);
        await WaitForAsync(() => Sum(closes, "close_code", 1007) == 1);
        Assert.Equal(3, Sum(attempts, "outcome", "accepted"));
    }

    private static long Sum<T>(MetricCollector<T> collector, string tag, object value)
        where T : struct =>
        collector.GetMeasurementSnapshot()
            .Where(m => m.Tags.TryGetValue(tag, out var v) && Equals(v?.ToString(), value.ToString()))
            .Sum(m => Convert.ToInt64(m.Value, System.Globalization.CultureInfo.InvariantCulture));

    // Metrics recorded on another thread (the worker, a closing connection) land shortly after the frame.
    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 200 && !condition(); attempt++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
