using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using StackExchange.Redis;

namespace AspireAgent.Benchmarks.Streams;

/// <summary>
/// The least a chunk can cost to cross Redis: one PUBLISH per chunk to a channel per stream, and its delivery
/// to a subscriber, at the streaming benchmark's chunk rate — no script, no log, no acknowledgement, no
/// protocol. Publisher and subscriber are two multiplexers in this one process (in the product they are the
/// worker and the gateway: two processes, so this is a lower bound). The same paced load is first run
/// through in-process channels, so the pacing's own cost is measured and taken away.
/// </summary>
internal static class RedisHopCost
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string connectionString, int channels, int rate, TimeSpan window)
    {
        var payload = ChunkFrame();
        Console.WriteLine($"One hop per chunk: {channels} channels, {rate:N0} chunks/s, {payload.Length} B per chunk, {window.TotalSeconds:0} s (after {Warmup.TotalSeconds:0} s unmeasured)");

        var local = await MeasureAsync(new LocalHop(channels), channels, rate, window, payload);
        await using var publisher = await ConnectionMultiplexer.ConnectAsync(connectionString);
        await using var subscriber = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var server = publisher.GetServer(publisher.GetEndPoints()[0]);
        var redisCpuBefore = await RedisCpuAsync(server);
        var redis = await MeasureAsync(await RedisHop.CreateAsync(publisher, subscriber, channels), channels, rate, window, payload);
        var redisCpu = await RedisCpuAsync(server) - redisCpuBefore;

        Console.WriteLine("| hop | chunks delivered / s | this process's CPU per chunk | of it, the hop | redis-server CPU per chunk |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Row("in-process channel (pacing only)", local, local, redisCpu: null));
        Console.WriteLine(Row("Redis PUBLISH → subscriber", redis, local, redisCpu / (redis.Delivered + redis.WarmupDelivered)));
        return redis.Delivered == redis.Published && local.Delivered == local.Published ? 0 : 1;
    }

    private static string Row(string name, Result result, Result baseline, double? redisCpu) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {result.Delivered / result.Elapsed.TotalSeconds:N0} | {result.CpuPerChunk * 1e6:0.00} µs | {(result.CpuPerChunk - baseline.CpuPerChunk) * 1e6:0.00} µs | {(redisCpu is { } cpu ? $"{cpu * 1e6:0.00} µs" : "–")} |");

    // What a chunk weighs on the wire in the gateway's MessagePack encoding.
    private static byte[] ChunkFrame()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        MessageCodecs.MessagePack.Encode(new AssistantChunk { Id = MessageIds.New(), Timestamp = 1_780_000_000_000, StreamId = "s_" + MessageIds.New(), Seq = 42, Delta = " word" }, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    // Paced like the model: every millisecond tick publishes what is due, round-robin over the channels, and
    // waits for those publishes (as the worker waits for its appends) before the next tick.
    private static async Task<Result> MeasureAsync(IHop hop, int channels, int rate, TimeSpan window, byte[] payload)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        var pending = new List<Task>(rate / 100);
        long published = 0, warmupPublished = 0, warmupDelivered = 0;
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = TimeSpan.Zero;
        var windowStarted = 0L;
        while (await timer.WaitForNextTickAsync())
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (windowStarted == 0 && elapsed >= Warmup)
            {
                await hop.DrainAsync(published);
                (warmupPublished, warmupDelivered) = (published, hop.Delivered);
                cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                windowStarted = Stopwatch.GetTimestamp();
            }

            if (elapsed >= Warmup + window)
            {
                break;
            }

            for (var due = (long)(elapsed.TotalSeconds * rate); published < due; published++)
            {
                pending.Add(hop.SendAsync((int)(published % channels), payload));
            }

            await Task.WhenAll(pending);
            pending.Clear();
        }

        await hop.DrainAsync(published);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var measuredElapsed = Stopwatch.GetElapsedTime(windowStarted);
        var delivered = hop.Delivered - warmupDelivered;
        await hop.DisposeAsync();
        return new Result(published - warmupPublished, delivered, warmupDelivered, measuredElapsed, cpu.TotalSeconds / Math.Max(1, delivered));
    }

    private static async Task<double> RedisCpuAsync(IServer server)
    {
        var cpu = (await server.InfoAsync("cpu")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return double.Parse(cpu["used_cpu_user"], CultureInfo.InvariantCulture) + double.Parse(cpu["used_cpu_sys"], CultureInfo.InvariantCulture);
    }

    private sealed record Result(long Published, long Delivered, long WarmupDelivered, TimeSpan Elapsed, double CpuPerChunk);

    private interface IHop : IAsyncDisposable
    {
        long Delivered { get; }

        Task SendAsync(int channel, byte[] payload);

        /// <summary>Waits (at most 10 s) until everything sent has been delivered.</summary>
        async Task DrainAsync(long sent)
        {
            var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
            while (Delivered < sent && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1);
            }
        }
    }

    private sealed class LocalHop : IHop
    {
        private readonly Channel<byte[]>[] _channels;
        private readonly Task[] _readers;
        private long _delivered;

        public LocalHop(int count)
        {
            _channels = [.. Enumerable.Range(0, count).Select(_ => Channel.CreateBounded<byte[]>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true }))];
            _readers = [.. _channels.Select(ReadAsync)];
        }

        public long Delivered => Interlocked.Read(ref _delivered);

        public Task SendAsync(int channel, byte[] payload) => _channels[channel].Writer.WriteAsync(payload).AsTask();

        public async ValueTask DisposeAsync()
        {
            foreach (var channel in _channels)
            {
                channel.Writer.Complete();
            }

            await Task.WhenAll(_readers);
        }

        private async Task ReadAsync(Channel<byte[]> channel)
        {
            await foreach (var _ in channel.Reader.ReadAllAsync())
            {
                Interlocked.Increment(ref _delivered);
            }
        }
    }

    private sealed class RedisHop(ISubscriber publisher, ChannelMessageQueue[] queues, RedisChannel[] channels) : IHop
    {
        private long _delivered;

        public long Delivered => Interlocked.Read(ref _delivered);

        public static async Task<RedisHop> CreateAsync(IConnectionMultiplexer publisher, IConnectionMultiplexer subscriber, int count)
        {
            var channels = Enumerable.Range(0, count).Select(i => RedisChannel.Literal($"bench-hop:{i}")).ToArray();
            var queues = new ChannelMessageQueue[count];
            for (var i = 0; i < count; i++)
            {
                queues[i] = await subscriber.GetSubscriber().SubscribeAsync(channels[i]);
            }

            var hop = new RedisHop(publisher.GetSubscriber(), queues, channels);
            foreach (var queue in queues)
            {
                // As the gateway's live feed reads its channel: a sequential handler per subscription.
                queue.OnMessage(_ => Interlocked.Increment(ref hop._delivered));
            }

            return hop;
        }

        public Task SendAsync(int channel, byte[] payload) => publisher.PublishAsync(channels[channel], payload);

        public async ValueTask DisposeAsync()
        {
            foreach (var queue in queues)
            {
                await queue.UnsubscribeAsync();
            }
        }
    }
}
