using AspireAgent.Bus;
using AspireAgent.Protocol;
using static AspireAgent.IntegrationTests.Redis.Infrastructure.StreamEvents;

namespace AspireAgent.IntegrationTests.Contract;

/// <summary>
/// The rules of the answer log every implementation keeps: start first, contiguous seqs, nothing after the end,
/// reads from any seq then live, fencing of earlier producers, limits, and retention once ended.
/// </summary>
public abstract class StreamStoreContract(BusTarget target)
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_node_reads_from_any_seq_then_follows_the_stream_live_to_its_end()
    {
        await using var nodes = await target.StartAsync(2);
        var (writer, reader) = (nodes[0].Streams, nodes[1].Streams);
        var info = await CreateAsync(writer);
        var id = info.StreamId;
        await writer.AppendAsync(id, Start(id), _test);
        for (var seq = 0; seq < 5; seq++)
        {
            await writer.AppendAsync(id, Chunk(id, seq), _test);
        }

        var reading = ReadAllAsync(reader, id, StreamPosition.AfterChunk(1));
        var fromStart = ReadAllAsync(reader, id, StreamPosition.Beginning);
        for (var seq = 5; seq < 8; seq++)
        {
            await writer.AppendAsync(id, Chunk(id, seq), _test);
        }

        await writer.AppendAsync(id, End(id, "all", 8), _test);

        var events = await reading;
        Assert.Equal([2L, 3L, 4L, 5L, 6L, 7L], events.OfType<AssistantChunk>().Select(c => c.Seq));
        Assert.IsType<AssistantEnd>(events[^1]);
        Assert.Equal(10, (await fromStart).Count);
        Assert.IsType<AssistantStart>((await fromStart)[0]);
        var stored = await reader.GetAsync(id, _test);
        Assert.Equal((info.OwnerId, info.ConversationId), (stored!.OwnerId, stored.ConversationId));
        Assert.NotNull(stored.EndedAt);
    }

    [Fact]
    public async Task A_taken_over_stream_fences_out_its_first_producer_and_reads_with_the_reset_in_place()
    {
        await using var nodes = await target.StartAsync(2);
        var (first, second) = (nodes[0].Streams, nodes[1].Streams);
        var id = (await CreateAsync(first)).StreamId;
        var dead = await first.AcquireAsync(id, _test);
        Assert.Equal((1L, 1L, false, 0L), (dead.Epoch, dead.Attempt, dead.Started, dead.NextSeq));
        await first.AppendAsync(dead, Start(id), _test);
        await first.AppendAsync(dead, Chunk(id, 0, "old"), _test);

        var successor = await second.AcquireAsync(id, _test);
        await Assert.ThrowsAsync<StreamFencedException>(async () => await first.AppendAsync(dead, Chunk(id, 1, "zombie"), _test));
        await second.AppendAsync(successor, StreamReset.Create(id, successor.NextSeq, successor.Epoch, 0), _test);
        await second.AppendAsync(successor, Chunk(id, 1, "new"), _test);
        await second.AppendAsync(successor, End(id, "new", 2), _test);

        Assert.Equal((true, 1L, 2L, 2L), (successor.Started, successor.NextSeq, successor.Epoch, successor.Attempt));
        var events = await ReadAllAsync(first, id, StreamPosition.Beginning);
        Assert.Equal(["assistant.start", "assistant.chunk", "control", "assistant.chunk", "assistant.end"], events.Select(e => e.Type));
        Assert.True(StreamReset.TryRead(events[2], out var resetSeq));
        Assert.Equal(1, resetSeq);
        // Resuming after the last chunk before the reset still gets the reset: the position is in the log.
        var resumed = await ReadAllAsync(second, id, StreamPosition.AfterChunk(0));
        Assert.Equal(["control", "assistant.chunk", "assistant.end"], resumed.Select(e => e.Type));

        var third = await second.AcquireAsync(id, _test);
        Assert.Equal("new", third.End!.FullContent);
    }

    [Fact]
    public async Task A_batch_lands_in_order_with_contiguous_seqs_and_a_live_reader_on_another_node_gets_all_of_it()
    {
        await using var nodes = await target.StartAsync(2);
        var (writer, reader) = (nodes[0].Streams, nodes[1].Streams);
        var id = (await CreateAsync(writer)).StreamId;
        var producer = await writer.AcquireAsync(id, _test);
        await writer.AppendBatchAsync(producer, [Start(id), Chunk(id, 0), Chunk(id, 1)], _test);

        // The reader is live (it has read what the log held) before the next batches land.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_test);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        await using var live = reader.ReadAsync(id, StreamPosition.Beginning, limit.Token).GetAsyncEnumerator(limit.Token);
        var events = new List<AgentMessage>();
        while (events.Count < 3 && await live.MoveNextAsync())
        {
            events.Add(live.Current);
        }

        await writer.AppendBatchAsync(producer, [Chunk(id, 2), Chunk(id, 3), Chunk(id, 4), Chunk(id, 5)], _test);
        await writer.AppendAsync(producer, Chunk(id, 6), _test);
        await writer.AppendBatchAsync(producer, [Chunk(id, 7), End(id, "all", 8)], _test);
        while (await live.MoveNextAsync())
        {
            events.Add(live.Current);
        }

        Assert.IsType<AssistantStart>(events[0]);
        Assert.Equal([0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L], events.OfType<AssistantChunk>().Select(c => c.Seq));
        Assert.Equal(10, events.Count);
        Assert.IsType<AssistantEnd>(events[^1]);
        Assert.Equal(events.Select(e => e.Id), (await ReadAllAsync(writer, id, StreamPosition.Beginning)).Select(e => e.Id));
        Assert.Equal(["[6]", "[7]"], (await ReadAllAsync(reader, id, StreamPosition.AfterChunk(5))).OfType<AssistantChunk>().Select(c => c.Delta));
        Assert.Equal(8, (await writer.AcquireAsync(id, _test)).NextSeq);
    }

    [Fact]
    public async Task Live_readers_of_one_stream_each_get_every_event_and_one_cancelled_while_it_waits_leaves_the_others_reading()
    {
        await using var nodes = await target.StartAsync(2);
        var (writer, reader) = (nodes[0].Streams, nodes[1].Streams);
        var id = (await CreateAsync(writer)).StreamId;
        await writer.AppendAsync(id, Start(id), _test);

        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(_test);
        leaving.CancelAfter(TimeSpan.FromSeconds(10));
        await using var left = reader.ReadAsync(id, StreamPosition.Beginning, leaving.Token).GetAsyncEnumerator(leaving.Token);
        Assert.True(await left.MoveNextAsync());
        var waiting = left.MoveNextAsync().AsTask();
        var staying = new[]
        {
            ReadAllAsync(reader, id, StreamPosition.Beginning),
            ReadAllAsync(reader, id, StreamPosition.Beginning),
            ReadAllAsync(writer, id, StreamPosition.Beginning),
        };

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        for (var seq = 0; seq < 20; seq++)
        {
            await writer.AppendAsync(id, Chunk(id, seq), _test);
        }

        await writer.AppendAsync(id, End(id, "all", 20), _test);
        foreach (var events in await Task.WhenAll(staying))
        {
            Assert.IsType<AssistantStart>(events[0]);
            Assert.Equal(Enumerable.Range(0, 20).Select(seq => (long)seq), events.OfType<AssistantChunk>().Select(c => c.Seq));
            Assert.IsType<AssistantEnd>(events[^1]);
        }
    }

    [Fact]
    public async Task A_batch_that_breaks_a_rule_anywhere_writes_none_of_it()
    {
        await using var nodes = await target.StartAsync(1, new Dictionary<string, string?> { ["Bus:MaxChunksPerStream"] = "4" });
        var streams = nodes[0].Streams;
        var id = (await CreateAsync(streams)).StreamId;
        var producer = await streams.AcquireAsync(id, _test);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendBatchAsync(producer, [Chunk(id, 0), Start(id)], _test));
        await streams.AppendBatchAsync(producer, [Start(id), Chunk(id, 0)], _test);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendBatchAsync(producer, [Chunk(id, 1), Chunk(id, 3)], _test));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendBatchAsync(producer, [Chunk(id, 1), Chunk(id, 1)], _test));
        await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await streams.AppendBatchAsync(producer, [Chunk(id, 1), Chunk(id, 2), Chunk(id, 3), Chunk(id, 4)], _test));
        await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await streams.AppendBatchAsync(producer, [Chunk(id, 1), End(id, "[0][1]", 2), Chunk(id, 2)], _test));

        // Nothing of the refused batches is in the stream: it goes on right after chunk 0.
        producer = await streams.RenewAsync(producer, _test);
        Assert.Equal(1, producer.NextSeq);
        Assert.Null((await streams.GetAsync(id, _test))!.EndedAt);
        await streams.AppendBatchAsync(producer, [Chunk(id, 1), End(id, "[0][1]", 2)], _test);
        var events = await ReadAllAsync(streams, id, StreamPosition.Beginning);
        Assert.Equal(["assistant.start", "assistant.chunk", "assistant.chunk", "assistant.end"], events.Select(e => e.Type));
        Assert.Equal([0L, 1L], events.OfType<AssistantChunk>().Select(c => c.Seq));
    }

    [Fact]
    public async Task A_batch_from_a_producer_that_was_taken_over_writes_nothing()
    {
        await using var nodes = await target.StartAsync(2);
        var (first, second) = (nodes[0].Streams, nodes[1].Streams);
        var id = (await CreateAsync(first)).StreamId;
        var dead = await first.AcquireAsync(id, _test);
        await first.AppendBatchAsync(dead, [Start(id), Chunk(id, 0, "old")], _test);

        var successor = await second.AcquireAsync(id, _test);
        await Assert.ThrowsAsync<StreamFencedException>(
            async () => await first.AppendBatchAsync(dead, [Chunk(id, 1, "zombie"), Chunk(id, 2, "zombie"), End(id, "zombie", 3)], _test));
        await second.AppendBatchAsync(
            successor, [StreamReset.Create(id, successor.NextSeq, successor.Attempt, 0), Chunk(id, 1, "new"), End(id, "new", 2)], _test);

        var events = await ReadAllAsync(first, id, StreamPosition.Beginning);
        Assert.Equal(["assistant.start", "assistant.chunk", "control", "assistant.chunk", "assistant.end"], events.Select(e => e.Type));
        Assert.DoesNotContain(events.OfType<AssistantChunk>(), c => c.Delta == "zombie");
        Assert.Equal("new", ((AssistantEnd)events[^1]).FullContent);
    }

    [Fact]
    public async Task A_renewed_handle_keeps_the_attempt_fences_the_old_one_and_cannot_outlive_a_takeover()
    {
        await using var nodes = await target.StartAsync(1);
        var streams = nodes[0].Streams;
        var id = (await CreateAsync(streams)).StreamId;
        var first = await streams.AcquireAsync(id, _test);
        await streams.AppendAsync(first, Start(id), _test);
        await streams.AppendAsync(first, Chunk(id, 0), _test);

        var renewed = await streams.RenewAsync(first, _test);
        await Assert.ThrowsAsync<StreamFencedException>(async () => await streams.AppendAsync(first, Chunk(id, 1), _test));
        await streams.AppendAsync(renewed, Chunk(id, 1), _test);
        var successor = await streams.AcquireAsync(id, _test);

        Assert.Equal((1L, 2L, 1L, true, 1L), (first.Attempt, renewed.Epoch, renewed.Attempt, renewed.Started, renewed.NextSeq));
        Assert.Equal((2L, 2L, 3L), (successor.Attempt, successor.NextSeq, successor.Epoch));
        await Assert.ThrowsAsync<StreamFencedException>(async () => await streams.RenewAsync(renewed, _test));
        await Assert.ThrowsAsync<StreamFencedException>(async () => await streams.AppendAsync(renewed, Chunk(id, 2), _test));
    }

    [Fact]
    public async Task Appends_out_of_order_twice_past_the_chunk_limit_or_after_the_end_are_refused()
    {
        await using var nodes = await target.StartAsync(1, new Dictionary<string, string?> { ["Bus:MaxChunksPerStream"] = "3" });
        var streams = nodes[0].Streams;
        var id = (await CreateAsync(streams)).StreamId;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendAsync(id, Chunk(id, 0), _test));
        await streams.AppendAsync(id, Start(id), _test);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendAsync(id, Start(id), _test));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendAsync(id, Chunk(id, 1), _test));
        await streams.AppendAsync(id, Chunk(id, 0), _test);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendAsync(id, Chunk(id, 0), _test));
        await streams.AppendAsync(id, Chunk(id, 1), _test);
        await streams.AppendAsync(id, Chunk(id, 2), _test);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendAsync(id, Chunk(id, 3), _test));
        await streams.AppendAsync(id, End(id, "[0][1][2]", 3), _test);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendAsync(id, End(id, "again", 3), _test));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.CreateAsync(
            new StreamInfo { StreamId = id, ConversationId = "c", OwnerId = "o", CreatedAt = DateTimeOffset.UtcNow }, _test));

        Assert.Equal(5, (await ReadAllAsync(streams, id, StreamPosition.Beginning)).Count);
    }

    [Fact]
    public async Task A_chunk_that_would_pass_the_byte_limit_is_refused_and_the_stream_can_still_end()
    {
        await using var nodes = await target.StartAsync(1, new Dictionary<string, string?> { ["Bus:MaxBytesPerStream"] = "1024" });
        var streams = nodes[0].Streams;
        var id = (await CreateAsync(streams)).StreamId;
        await streams.AppendAsync(id, Start(id), _test);
        await streams.AppendAsync(id, Chunk(id, 0, new string('é', 500)), _test);

        // 1,000 bytes held ('é' is two bytes in UTF-8): 25 more would pass 1,024, 24 fit.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await streams.AppendAsync(id, Chunk(id, 1, new string('x', 25)), _test));
        await streams.AppendAsync(id, Chunk(id, 1, new string('x', 24)), _test);
        await streams.AppendAsync(id, End(id, "cut", 2), _test);
        Assert.NotNull((await streams.GetAsync(id, _test))!.EndedAt);
    }

    [Fact]
    public async Task A_stream_that_does_not_exist_is_not_found_by_any_operation()
    {
        await using var nodes = await target.StartAsync(1);
        var streams = nodes[0].Streams;
        var missing = "s_missing_" + MessageIds.New();

        Assert.Null(await streams.GetAsync(missing, _test));
        await Assert.ThrowsAsync<StreamNotFoundException>(() => ReadAllAsync(streams, missing, StreamPosition.Beginning));
        await Assert.ThrowsAsync<StreamNotFoundException>(async () => await streams.AcquireAsync(missing, _test));
        await Assert.ThrowsAsync<StreamNotFoundException>(async () => await streams.AppendAsync(missing, Start(missing), _test));
    }

    [Fact]
    public async Task An_ended_stream_stays_readable_for_its_retention_then_is_gone_while_an_open_one_stays()
    {
        // Retention and sweep at their one-second minimum: the only real wait of the suite.
        await using var nodes = await target.StartAsync(1, new Dictionary<string, string?>
        {
            ["Bus:StreamRetention"] = "00:00:01",
            ["Bus:SweepInterval"] = "00:00:01",
        });
        var streams = nodes[0].Streams;
        var ended = (await CreateAsync(streams)).StreamId;
        var open = (await CreateAsync(streams)).StreamId;
        await streams.AppendAsync(open, Start(open), _test);
        await streams.AppendAsync(ended, Start(ended), _test);
        await streams.AppendAsync(ended, End(ended, "", 0), _test);
        Assert.Equal(2, (await ReadAllAsync(streams, ended, StreamPosition.Beginning)).Count);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await streams.GetAsync(ended, _test) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, _test);
        }

        Assert.Null(await streams.GetAsync(ended, _test));
        await Assert.ThrowsAsync<StreamNotFoundException>(() => ReadAllAsync(streams, ended, StreamPosition.Beginning));
        Assert.NotNull(await streams.GetAsync(open, _test));
    }
}
