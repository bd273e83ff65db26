using AspireAgent.Bus.Diagnostics;
using AspireAgent.Inference.Diagnostics;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.UnitTests.Infrastructure;
using AspireAgent.Web.Ops;
using AspireAgent.Web.Ops.InProcess;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Ops;

/// <summary>
/// The in-process sampler, fed by the real gateway, worker and bus instruments on a private meter factory, on a
/// fake clock: each interval's rates and percentiles, the trailing window, the running connection count.
/// </summary>
public sealed class OpsSamplerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters = TestMeters.Factory();
    private readonly MeterReader _reader;
    private readonly OpsSampleHistory _history;
    private readonly OpsSampler _sampler;
    private readonly GatewayMetrics _gateway;
    private readonly InferenceMetrics _inference;
    private long _backlog = 7;

    public OpsSamplerTests()
    {
        var options = Options.Create(new OpsOptions
        {
            Interval = TimeSpan.FromSeconds(1),
            Window = TimeSpan.FromSeconds(10),
            RateWindow = TimeSpan.FromSeconds(3),
        });
        _reader = new MeterReader(_meters);
        _history = new OpsSampleHistory(options);
        _sampler = new OpsSampler(_reader, _history, options, _time, NullLogger<OpsSampler>.Instance);
        _gateway = new GatewayMetrics(_meters);
        _inference = new InferenceMetrics(_meters);
        BusMetrics.ObserveBacklog(_meters, () => _backlog);
    }

    [Fact]
    public void Rates_are_means_over_the_rate_window_and_latencies_are_per_interval()
    {
        _sampler.Begin();

        // Interval 1, two seconds long: 3 connections open and 1 closes, 10 chunks at 1…10 ms, one answer of 40 tokens.
        _gateway.Opened();
        _gateway.Opened();
        _gateway.Opened();
        _gateway.Closed(TimeSpan.FromSeconds(1), System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        SendChunks(latenciesMs: Enumerable.Range(1, 10));
        _gateway.Sent(new AssistantStart { Id = "s", Timestamp = 0, ConversationId = "c", StreamId = "st", Model = "m" }, WireEncoding.Json, 10, _time.GetUtcNow());
        _inference.Ended(End(FinishReason.Stop, tokens: 40, firstTokenMs: 200));
        _time.Advance(TimeSpan.FromSeconds(2));

        var first = _sampler.SampleOnce();

        Assert.Equal(_time.GetUtcNow(), first.Time);
        Assert.Equal(2, first.Connections);
        Assert.Equal(5, first.ChunksPerSecond, 9); // 10 chunks over 2 s; assistant.start is not a chunk
        Assert.Equal(20, first.TokensPerSecond, 9);
        Assert.Equal(0.005, first.DeliveryLatencyP50!.Value, 9);
        Assert.Equal(0.010, first.DeliveryLatencyP99!.Value, 9);
        Assert.Equal(0.2, first.TimeToFirstTokenP50!.Value, 9);
        Assert.Equal(7, first.Backlog);
        Assert.Equal(0, first.Interrupts);

        // Interval 2: 100 chunks at 1…100 ms, an interrupted answer and one that failed before its first token.
        SendChunks(latenciesMs: Enumerable.Range(1, 100));
        _inference.Ended(End(FinishReason.Interrupted, tokens: 5, firstTokenMs: 400));
        _inference.Ended(End(FinishReason.Error, tokens: 0, firstTokenMs: 0));
        _backlog = 3;
        _time.Advance(TimeSpan.FromSeconds(1));

        var second = _sampler.SampleOnce();

        Assert.Equal(2, second.Connections); // a running count, not a per-interval one
        Assert.Equal(110.0 / 3, second.ChunksPerSecond, 9); // trailing window: 110 chunks over 3 s, not a spike of 100/s
        Assert.Equal(45.0 / 3, second.TokensPerSecond, 9);
        Assert.Equal(0.050, second.DeliveryLatencyP50!.Value, 9); // this interval's chunks only
        Assert.Equal(0.099, second.DeliveryLatencyP99!.Value, 9);
        Assert.Equal(0.2, second.TimeToFirstTokenP50!.Value, 9); // trailing window: 200 ms and 400 ms
        Assert.Equal(0.4, second.TimeToFirstTokenP99!.Value, 9);
        Assert.Equal(3, second.Backlog);
        Assert.Equal(1, second.Interrupts);
        Assert.Equal(1, second.Errors);

        // Interval 3, quiet: no chunk, so no latency; the trailing window (3 intervals) still holds both answers.
        _time.Advance(TimeSpan.FromSeconds(1));
        var third = _sampler.SampleOnce();
        Assert.Equal(110.0 / 4, third.ChunksPerSecond, 9); // smoothed: the quiet second lowers the mean, not to zero
        Assert.Null(third.DeliveryLatencyP50);
        Assert.Null(third.DeliveryLatencyP99);
        Assert.Equal(0.2, third.TimeToFirstTokenP50!.Value, 9);
        Assert.Equal(1, third.Interrupts);

        // Interval 4: interval 1 left the window; interval 2's answers are still in it.
        _time.Advance(TimeSpan.FromSeconds(1));
        var fourth = _sampler.SampleOnce();
        Assert.Equal(0.4, fourth.TimeToFirstTokenP50!.Value, 9);
        Assert.Equal(1, fourth.Interrupts);
        Assert.Equal(1, fourth.Errors);

        // Interval 5: everything has left the window.
        _time.Advance(TimeSpan.FromSeconds(1));
        var fifth = _sampler.SampleOnce();
        Assert.Null(fifth.TimeToFirstTokenP50);
        Assert.Equal(0, fifth.ChunksPerSecond);
        Assert.Equal(0, fifth.TokensPerSecond);
        Assert.Equal(0, fifth.Interrupts);
        Assert.Equal(0, fifth.Errors);
    }

    [Fact]
    public void Rates_divide_by_the_time_that_actually_passed()
    {
        _sampler.Begin();
        SendChunks(Enumerable.Repeat(1, 30));
        _time.Advance(TimeSpan.FromMilliseconds(1500)); // a late tick

        Assert.Equal(20, _sampler.SampleOnce().ChunksPerSecond, 9);
    }

    [Fact]
    public void The_history_is_bounded_by_the_window()
    {
        _sampler.Begin();
        for (var i = 0; i < 25; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _sampler.SampleOnce();
        }

        var samples = _history.Snapshot();
        Assert.Equal(10, samples.Length);
        Assert.Equal(_time.GetUtcNow(), samples[^1].Time);
        Assert.Equal(_time.GetUtcNow().AddSeconds(-9), samples[0].Time);
    }

    [Fact]
    public void Instruments_of_another_meter_factory_are_not_counted()
    {
        _sampler.Begin();
        var elsewhere = new GatewayMetrics(TestMeters.Factory());
        elsewhere.Opened();
        _gateway.Opened();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, _sampler.SampleOnce().Connections);
    }

    [Fact]
    public async Task As_a_hosted_service_it_samples_on_every_tick_and_stops_cleanly()
    {
        await _sampler.StartAsync(TestContext.Current.CancellationToken);
        _gateway.Opened();

        // ExecuteAsync runs on the thread pool: its timer exists once the first tick has produced a point.
        for (var attempt = 0; attempt < 200 && _history.Snapshot().Length == 0; attempt++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var first = _history.Snapshot().Length;
        Assert.True(first >= 1, "The sampler never ticked.");
        for (var expected = first + 1; expected <= first + 3; expected++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await WaitForAsync(() => _history.Snapshot().Length == expected);
        }

        Assert.All(_history.Snapshot(), s => Assert.Equal(1, s.Connections));
        var stop = _sampler.StopAsync(CancellationToken.None);
        await stop.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(first + 3, _history.Snapshot().Length);
    }

    public void Dispose()
    {
        _sampler.Dispose();
        _reader.Dispose();
    }

    private void SendChunks(IEnumerable<int> latenciesMs)
    {
        var now = _time.GetUtcNow();
        var seq = 0;
        foreach (var latency in latenciesMs)
        {
            var chunk = new AssistantChunk
            {
                Id = $"k{seq}", Timestamp = now.ToUnixTimeMilliseconds() - latency, StreamId = "s", Seq = seq++, Delta = "x",
            };
            _gateway.Sent(chunk, WireEncoding.Json, 20, now);
        }
    }

    private static AssistantEnd End(FinishReason reason, int tokens, long firstTokenMs) => new()
    {
        Id = "e", Timestamp = 0, StreamId = "s", FullContent = "", FinishReason = reason, ChunkCount = tokens,
        Usage = new Usage { CompletionTokens = tokens, TimeToFirstTokenMs = firstTokenMs, DurationMs = 1000 },
    };

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 200 && !condition(); attempt++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
