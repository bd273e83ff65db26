using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using AspireAgent.Protocol;
using static AspireAgent.IntegrationTests.Redis.Infrastructure.StreamEvents;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// What is particular to the answer log in Redis: key time-to-live and a reader catching up after its live
/// buffer overflowed. The rules every log keeps are in StreamStoreContract.
/// </summary>
public sealed class RedisStreamStoreTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_open_stream_lives_for_its_time_to_live_and_an_ended_one_for_the_retention()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await BusNode.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Bus:StreamRetention"] = "00:00:42",
            ["Bus:Redis:OpenStreamTimeToLive"] = "00:30:00",
        });
        var id = (await CreateAsync(node.Streams)).StreamId;
        await node.Streams.AppendAsync(id, Start(id), _test);
        var openTtl = await TtlAsync(redis, $"aspireagent:{{s:{id}}}:meta");
        Assert.InRange(await TtlAsync(redis, $"aspireagent:{{s:{id}}}:events"), 29 * 60_000, 30 * 60_000);

        await node.Streams.AppendAsync(id, End(id, "", 0), _test);

        Assert.InRange(openTtl, 29 * 60_000, 30 * 60_000);
        Assert.InRange(await TtlAsync(redis, $"aspireagent:{{s:{id}}}:meta"), 40_000, 42_000);
        Assert.InRange(await TtlAsync(redis, $"aspireagent:{{s:{id}}}:events"), 40_000, 42_000);
    }

    [Fact]
    public async Task A_reader_whose_notifications_overflow_catches_up_from_the_log_without_gap_or_duplicate()
    {
        await using var redis = await RedisServer.StartAsync();
        var tiny = new Dictionary<string, string?> { ["Bus:Redis:ReaderBufferCapacity"] = "4", ["Bus:Redis:ReadBatchSize"] = "7" };
        await using var writer = await BusNode.StartAsync(redis);
        await using var reader = await BusNode.StartAsync(redis, tiny);
        var id = (await CreateAsync(writer.Streams)).StreamId;
        await writer.Streams.AppendAsync(id, Start(id), _test);

        // The reader takes one event, then stalls while 300 more are published: its 4-slot buffer overflows.
        await using var events = reader.Streams.ReadAsync(id, StreamPosition.Beginning, _test).GetAsyncEnumerator(_test);
        Assert.True(await events.MoveNextAsync());
        for (var seq = 0; seq < 300; seq++)
        {
            await writer.Streams.AppendAsync(id, Chunk(id, seq), _test);
        }

        await writer.Streams.AppendAsync(id, End(id, "", 300), _test);
        var seqs = new List<long>();
        while (await events.MoveNextAsync())
        {
            if (events.Current is AssistantChunk chunk)
            {
                seqs.Add(chunk.Seq);
            }
        }

        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task Scripts_are_called_by_their_hash_and_loaded_again_after_Redis_forgot_them()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await BusNode.StartAsync(redis);
        var id = (await CreateAsync(node.Streams)).StreamId;
        await node.Streams.AppendAsync(id, Start(id), _test);
        await node.Streams.AppendAsync(id, Chunk(id, 0), _test);
        var before = await CommandStats.ReadAsync(redis);

        // What a restart without persistence or a failover to a fresh replica does to the script cache.
        Assert.Equal("+OK", await redis.CommandAsync("SCRIPT", "FLUSH"));
        await node.Streams.AppendAsync(id, Chunk(id, 1), _test);
        await node.Streams.AppendAsync(id, Chunk(id, 2), _test);
        await node.Streams.AppendAsync(id, End(id, "", 3), _test);
        var after = await CommandStats.ReadAsync(redis);

        var seqs = new List<long>();
        await foreach (var message in node.Streams.ReadAsync(id, StreamPosition.Beginning, _test))
        {
            if (message is AssistantChunk chunk)
            {
                seqs.Add(chunk.Seq);
            }
        }

        Assert.Equal([0L, 1, 2], seqs);
        // After the flush the first append by hash is refused (NOSCRIPT, which Redis does not count as a call) and made
        // once more by its text, which reloads the script; the two after it go by hash again.
        Assert.Equal(3, after.GetValueOrDefault("xadd") - before.GetValueOrDefault("xadd"));
        Assert.True(after.GetValueOrDefault("evalsha") - before.GetValueOrDefault("evalsha") >= 2);
        Assert.Equal(1, after.GetValueOrDefault("eval") - before.GetValueOrDefault("eval"));
    }

    private static async Task<long> TtlAsync(RedisServer redis, string key) =>
        long.Parse((await redis.CommandAsync("PTTL", key)).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
}
