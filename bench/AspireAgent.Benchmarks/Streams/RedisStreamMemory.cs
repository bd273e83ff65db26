using System.Globalization;
using AspireAgent.Bus;
using AspireAgent.Bus.Redis;
using AspireAgent.Inference.Models.Simulated;
using AspireAgent.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireAgent.Benchmarks.Streams;

/// <summary>
/// What a retained answer costs in Redis (the distributed mode): <c>used_memory</c> before and after writing N
/// streams through the real <see cref="IStreamStore"/>, so the meta hash, the events stream and the encoding
/// (the protocol's MessagePack) are all counted. Needs a redis-server to write to (use an empty one) and
/// <c>allowAdmin=true</c> in the connection string, for <c>INFO</c>.
/// </summary>
internal static class RedisStreamMemory
{
    public static async Task<int> RunAsync(string connectionString, int streams)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = connectionString,
            ["Bus:MaxChunksPerStream"] = "10000000",
            ["Bus:MaxBytesPerStream"] = "1073741824",
            ["Bus:Redis:KeyPrefix"] = "bench-streams:",
        });
        builder.AddAgentBus();
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<IStreamStore>();
        var redis = host.Services.GetRequiredService<RedisConnection>();
        var server = redis.Multiplexer.GetServer(redis.Multiplexer.GetEndPoints()[0]);

        Console.WriteLine($"Redis used_memory per stream, {streams} streams each (one word per chunk)");
        Console.WriteLine("| stream | chunks | text | memory / stream | memory / chunk |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (chunks, ended) in new[] { (64, false), (1_000, true), (10_000, true) })
        {
            var count = Math.Max(1, streams * 1_000 / Math.Max(chunks, 1_000));
            var before = await UsedMemoryAsync(server);
            var textBytes = await WriteAsync(store, count, chunks, ended);
            var perStream = (await UsedMemoryAsync(server) - before) / (double)count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(ended ? "retained (ended)" : "paused at the window")} | {chunks:N0} | {textBytes / 1024.0:0.0} KiB | {perStream / 1024.0:0.0} KiB | {perStream / chunks:0} B |"));
        }

        return 0;
    }

    private static async Task<long> WriteAsync(IStreamStore store, int count, int chunks, bool ended)
    {
        var words = SimulatedAnswer.Tokens([new ChatMessage(ChatRole.User, "How much memory does an answer hold?")], chunks);
        var text = string.Concat(words);
        for (var s = 0; s < count; s++)
        {
            var id = "s_" + MessageIds.New();
            await store.CreateAsync(new StreamInfo { StreamId = id, ConversationId = $"c-{s}", OwnerId = "owner", CreatedAt = DateTimeOffset.UtcNow }, default);
            await store.AppendAsync(id, new AssistantStart { Id = MessageIds.New(), Timestamp = 1, ConversationId = $"c-{s}", StreamId = id, Model = "simulated" }, default);
            for (var seq = 0; seq < chunks; seq++)
            {
                await store.AppendAsync(id, new AssistantChunk { Id = MessageIds.New(), Timestamp = 1, StreamId = id, Seq = seq, Delta = words[seq] }, default);
            }

            if (ended)
            {
                await store.AppendAsync(id, new AssistantEnd
                {
                    Id = MessageIds.New(), Timestamp = 1, StreamId = id, FullContent = text,
                    FinishReason = FinishReason.Stop, ChunkCount = chunks, Usage = new Usage(),
                }, default);
            }
        }

        return System.Text.Encoding.UTF8.GetByteCount(text);
    }

    private static async Task<long> UsedMemoryAsync(StackExchange.Redis.IServer server)
    {
        var info = await server.InfoAsync("memory");
        var used = info.SelectMany(group => group).First(pair => pair.Key == "used_memory").Value;
        return long.Parse(used, CultureInfo.InvariantCulture);
    }
}
