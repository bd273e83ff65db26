using System.Diagnostics;
using System.Globalization;
using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using AspireAgent.IntegrationTests.ScaleOut;
using AspireAgent.Protocol;
using Microsoft.Extensions.Options;
using static AspireAgent.IntegrationTests.Redis.Infrastructure.StreamEvents;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// The Redis hop's latency: from the worker's append to a live reader on another node (its own multiplexer)
/// having the chunk, one chunk in flight at a time so that no queueing is measured. The same loop over the
/// in-memory bus is the baseline; the difference is what Redis adds. The reader's catch-up timer is set to
/// ten minutes, so every chunk must arrive by pub/sub push: a polling reader would fail the bound. It runs
/// alone (the non-parallel collection), so that the figures are the hop's and not the other tests'.
/// Run: <c>dotnet test tests/AspireAgent.IntegrationTests --filter "FullyQualifiedName~RedisHopLatency" --logger "console;verbosity=detailed"</c>
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class RedisHopLatencyTests
{
    private const int Warmup = 300;
    private const int Measured = 3000;

    [Fact]
    public async Task A_chunk_reaches_a_live_reader_on_another_node_within_milliseconds()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?> { ["Bus:Redis:ReaderCatchUpInterval"] = "00:10:00" };
        await using var writer = await BusNode.StartAsync(redis, settings);
        await using var reader = await BusNode.StartAsync(redis, settings);
        var memory = new MemoryStreamStore(Options.Create(new BusOptions()), TimeProvider.System);

        var viaMemory = await MeasureAsync(memory, memory);
        var viaRedis = await MeasureAsync(writer.Streams, reader.Streams);

        var report = string.Create(CultureInfo.InvariantCulture,
            $"append -> live reader, {Measured} chunks: Redis p50 {Percentile(viaRedis, 50):0.000} ms, p99 {Percentile(viaRedis, 99):0.000} ms, max {viaRedis.Max():0.000} ms; " +
            $"in-memory p50 {Percentile(viaMemory, 50):0.000} ms, p99 {Percentile(viaMemory, 99):0.000} ms; " +
            $"added by Redis p50 {Percentile(viaRedis, 50) - Percentile(viaMemory, 50):0.000} ms, p99 {Percentile(viaRedis, 99) - Percentile(viaMemory, 99):0.000} ms");
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine(report);

        // Generous for a loaded 2-core CI machine, and still far below any polling interval worth having.
        Assert.True(Percentile(viaRedis, 50) < 5, report);
        Assert.True(Percentile(viaRedis, 99) < 50, report);
    }

    private static async Task<double[]> MeasureAsync(IStreamStore writer, IStreamStore reader)
    {
        var test = TestContext.Current.CancellationToken;
        var id = (await CreateAsync(writer)).StreamId;
        await writer.AppendAsync(id, Start(id), test);
        var total = Warmup + Measured;
        var arrived = new long[total];
        var signals = Enumerable.Range(0, total).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

        var reading = ReadAsync();

        var latencies = new double[Measured];
        for (var seq = 0; seq < total; seq++)
        {
            var sent = Stopwatch.GetTimestamp();
            await writer.AppendAsync(id, Chunk(id, seq, "token"), test);
            await signals[seq].Task.WaitAsync(TimeSpan.FromSeconds(10), test);
            if (seq >= Warmup)
            {
                latencies[seq - Warmup] = Stopwatch.GetElapsedTime(sent, arrived[seq]).TotalMilliseconds;
            }
        }

        await writer.AppendAsync(id, End(id, "", total), test);
        await reading.WaitAsync(TimeSpan.FromSeconds(10), test);
        return latencies;

        async Task ReadAsync()
        {
            await foreach (var message in reader.ReadAsync(id, StreamPosition.Beginning, test))
            {
                if (message is AssistantChunk chunk)
                {
                    arrived[chunk.Seq] = Stopwatch.GetTimestamp();
                    signals[chunk.Seq].TrySetResult();
                }
            }
        }
    }

    private static double Percentile(double[] values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
