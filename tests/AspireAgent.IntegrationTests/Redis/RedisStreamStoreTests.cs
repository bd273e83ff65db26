using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using AspireAgent.Protocol;
using static AspireAgent.IntegrationTests.Redis.Infrastructure.StreamEvents;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>The answer log in Redis, written on one node and read on another, against a real redis-server.</summary>
public sealed class RedisStreamStoreTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_node_reads_from_any_seq_then_follows_the_stream_live_to_its_end()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var writer = await BusNode.StartAsync(redis);
        await using var reader = await BusNode.StartAsync(redis);
        var info = await CreateAsync(writer.Streams);
        var id = info.StreamId;
        await writer.Streams.AppendAsync(id, Start(id), _test);
        for (var seq = 0; seq < 5; seq++)
        {
            await writer.Streams.AppendAsync(id, Chunk(id, seq), _test);
        }

        var reading = ReadAllAsync(reader.Streams, id, StreamPosition.AfterChunk(1));
        var fromStart = ReadAllAsync(reader.Streams, id, StreamPosition.Beginning);
        for (var seq = 5; seq < 8; seq++)
        {
            await writer.Streams.AppendAsync(id, Chunk(id, seq), _test);
        }

        await writer.Streams.AppendAsync(id, End(id, "all", 8), _test);

        var events = await reading;
        Assert.Equal([2L, 3L, 4L, 5L, 6L, 7L], events.OfType<AssistantChunk>().Select(c => c.Seq));
        Assert.IsType<AssistantEnd>(events[^1]);
        Assert.Equal(10, (await fromStart).Count);
        Assert.IsType<AssistantStart>((await fromStart)[0]);
        var stored = await reader.Streams.GetAsync(id, _test);
        Assert.Equal(info.OwnerId, stored!.OwnerId);
        Assert.NotNull(stored.EndedAt);
    }

    [Fact]
    public async Task A_taken_over_stream_fences_out_its_first_producer_and_reads_with_the_reset_in_place()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await BusNode.StartAsync(redis);
        await using var second = await BusNode.StartAsync(redis);
        var id = (await CreateAsync(first.Streams)).StreamId;
        var dead = await first.Streams.AcquireAsync(id, _test);
        await first.Streams.AppendAsync(dead, Start(id), _test);
        await first.Streams.AppendAsync(dead, Chunk(id, 0, "old"), _test);

        var successor = await second.Streams.AcquireAsync(id, _test);
        await Assert.ThrowsAsync<StreamFencedException>(async () => await first.Streams.AppendAsync(dead, Chunk(id, 1, "zombie"), _test));
        await second.Streams.AppendAsync(successor, StreamReset.Create(id, successor.NextSeq, successor.Epoch, 0), _test);
        await second.Streams.AppendAsync(successor, Chunk(id, 1, "new"), _test);
        await second.Streams.AppendAsync(successor, End(id, "new", 2), _test);

        Assert.Equal((1L, true, 1L, 2L), (dead.Epoch, successor.Started, successor.NextSeq, successor.Epoch));
        var events = await ReadAllAsync(first.Streams, id, StreamPosition.Beginning);
        Assert.Equal(["assistant.start", "assistant.chunk", "control", "assistant.chunk", "assistant.end"], events.Select(e => e.Type));
        Assert.True(StreamReset.TryRead(events[2], out var resetSeq));
        Assert.Equal(1, resetSeq);
        // Resuming after the last chunk before the reset still gets the reset: the position is in the log.
        var resumed = await ReadAllAsync(second.Streams, id, StreamPosition.AfterChunk(0));
        Assert.Equal(["control", "assistant.chunk", "assistant.end"], resumed.Select(e => e.Type));

        var third = await second.Streams.AcquireAsync(id, _test);
        Assert.Equal("new", third.End!.FullContent);
    }

    [Fact]
    public async Task A_renewed_handle_keeps_the_attempt_fences_the_old_one_and_cannot_outlive_a_takeover()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await BusNode.StartAsync(redis);
        var id = (await CreateAsync(node.Streams)).StreamId;
        var first = await node.Streams.AcquireAsync(id, _test);
        await node.Streams.AppendAsync(first, Start(id), _test);
        await node.Streams.AppendAsync(first, Chunk(id, 0), _test);

        var renewed = await node.Streams.RenewAsync(first, _test);
        await Assert.ThrowsAsync<StreamFencedException>(async () => await node.Streams.AppendAsync(first, Chunk(id, 1), _test));
        await node.Streams.AppendAsync(renewed, Chunk(id, 1), _test);
        var successor = await node.Streams.AcquireAsync(id, _test);

        Assert.Equal((1L, 2L, 1L, true), (first.Attempt, renewed.Epoch, renewed.Attempt, renewed.Started));
        Assert.Equal((2L, 2L, 3L), (successor.Attempt, successor.NextSeq, successor.Epoch));
        await Assert.ThrowsAsync<StreamFencedException>(async () => await node.Streams.RenewAsync(renewed, _test));
    }

    [Fact]
    public async Task Appends_out_of_order_twice_or_after_the_end_are_refused()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await BusNode.StartAsync(redis);
        var id = (await CreateAsync(node.Streams)).StreamId;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.Streams.AppendAsync(id, Chunk(id, 0), _test));
        await node.Streams.AppendAsync(id, Start(id), _test);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.Streams.AppendAsync(id, Start(id), _test));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.Streams.AppendAsync(id, Chunk(id, 1), _test));
        await node.Streams.AppendAsync(id, Chunk(id, 0), _test);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.Streams.AppendAsync(id, Chunk(id, 0), _test));
        await node.Streams.AppendAsync(id, End(id, "[0]", 1), _test);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.Streams.AppendAsync(id, Chunk(id, 1), _test));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.Streams.CreateAsync(
            new StreamInfo { StreamId = id, ConversationId = "c", OwnerId = "o", CreatedAt = DateTimeOffset.UtcNow }, _test));

        Assert.Equal(3, (await ReadAllAsync(node.Streams, id, StreamPosition.Beginning)).Count);
    }

    [Fact]
    public async Task A_stream_that_does_not_exist_is_not_found_by_any_operation()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await BusNode.StartAsync(redis);

        Assert.Null(await node.Streams.GetAsync("s_missing", _test));
        await Assert.ThrowsAsync<StreamNotFoundException>(() => ReadAllAsync(node.Streams, "s_missing", StreamPosition.Beginning));
        await Assert.ThrowsAsync<StreamNotFoundException>(async () => await node.Streams.AcquireAsync("s_missing", _test));
        await Assert.ThrowsAsync<StreamNotFoundException>(async () => await node.Streams.AppendAsync("s_missing", Start("s_missing"), _test));
    }

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

    private static async Task<long> TtlAsync(RedisServer redis, string key) =>
        long.Parse((await redis.CommandAsync("PTTL", key)).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
}
