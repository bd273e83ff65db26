using AspireAgent.Bus;
using AspireAgent.Bus.Redis;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using AspireAgent.Protocol;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StreamPosition = AspireAgent.Bus.StreamPosition;
using static AspireAgent.IntegrationTests.Redis.Infrastructure.StreamEvents;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// The bus's traffic across streams on a single Redis: the appends of chunks of many streams share script calls
/// (StreamAppendPipeline), and a gateway node gets the live events of every stream it reads through one
/// subscription, one message per append call (NodeFeed). Each stream's rules still hold alone.
/// </summary>
public sealed class RedisCrossStreamTests
{
    private const int Streams = 40;

    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chunks_of_many_streams_share_script_calls_and_a_fenced_stream_fails_alone()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await BusNode.StartAsync(redis);
        var producers = await StartStreamsAsync(node.Streams);

        // Another worker takes the first stream over: its first producer is fenced out.
        await node.Streams.AcquireAsync(producers[0].StreamId, _test);
        var before = await CommandStats.ReadAsync(redis);

        var appends = producers.Select(p => node.Streams.AppendBatchAsync(p, [Chunk(p.StreamId, 0, "a"), Chunk(p.StreamId, 1, "b")], _test).AsTask()).ToList();
        await Assert.ThrowsAsync<StreamFencedException>(() => appends[0]);
        await Task.WhenAll(appends.Skip(1));

        var after = await CommandStats.ReadAsync(redis);
        var calls = after["evalsha"] - before.GetValueOrDefault("evalsha");
        Assert.InRange(calls, 1, Streams / 4);
        Assert.Equal(2 * (Streams - 1), after["xadd"] - before.GetValueOrDefault("xadd"));
        // The start alone in the fenced stream's log; the start and both chunks in every other.
        Assert.Equal(":1", await redis.CommandAsync("XLEN", $"aspireagent:{{s:{producers[0].StreamId}}}:events"));
        foreach (var producer in producers.Skip(1))
        {
            Assert.Equal(":3", await redis.CommandAsync("XLEN", $"aspireagent:{{s:{producer.StreamId}}}:events"));
        }
    }

    [Fact]
    public async Task A_node_reads_many_streams_live_through_one_subscription_and_each_of_its_readers_gets_every_event()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var writer = await BusNode.StartAsync(redis);
        await using var gateway = await BusNode.StartAsync(redis);
        await using var other = await BusNode.StartAsync(redis);
        var producers = await StartStreamsAsync(writer.Streams);

        var subscribed = await CommandStats.ReadAsync(redis);
        // Every stream read live on the gateway; the first one by a second reader there and a reader on another node.
        var readers = new List<(string StreamId, IAsyncEnumerator<AgentMessage> Events)>();
        foreach (var producer in producers)
        {
            readers.Add((producer.StreamId, gateway.Streams.ReadAsync(producer.StreamId, StreamPosition.Beginning, _test).GetAsyncEnumerator(_test)));
        }

        readers.Add((producers[0].StreamId, gateway.Streams.ReadAsync(producers[0].StreamId, StreamPosition.Beginning, _test).GetAsyncEnumerator(_test)));
        readers.Add((producers[0].StreamId, other.Streams.ReadAsync(producers[0].StreamId, StreamPosition.Beginning, _test).GetAsyncEnumerator(_test)));
        foreach (var (_, events) in readers)
        {
            Assert.True(await events.MoveNextAsync());
            Assert.IsType<AssistantStart>(events.Current);
        }

        var published = await CommandStats.ReadAsync(redis);
        Assert.Equal(0, published.GetValueOrDefault("ssubscribe") - subscribed.GetValueOrDefault("ssubscribe"));
        Assert.Equal(2, published.GetValueOrDefault("subscribe") - subscribed.GetValueOrDefault("subscribe"));
        var multiplexer = gateway.Services.GetRequiredService<IConnectionMultiplexer>();
        var nodeChannel = $"aspireagent:node:{gateway.Services.GetRequiredService<NodeFeed>().NodeId}";
        var numsub = (RedisResult[])(await multiplexer.GetServers()[0].ExecuteAsync("PUBSUB", "NUMSUB", nodeChannel))!;
        Assert.Equal(1, (long)numsub[1]);

        for (var seq = 0; seq < 3; seq++)
        {
            await Task.WhenAll(producers.Select(p => writer.Streams.AppendAsync(p, Chunk(p.StreamId, seq, $"{p.StreamId}:{seq}"), _test).AsTask()));
        }

        foreach (var (streamId, events) in readers)
        {
            for (var seq = 0; seq < 3; seq++)
            {
                Assert.True(await events.MoveNextAsync());
                Assert.Equal($"{streamId}:{seq}", Assert.IsType<AssistantChunk>(events.Current).Delta);
            }

            await events.DisposeAsync();
        }

        // Two nodes follow the first stream and one every other: a message per node per append call, not per stream.
        var after = await CommandStats.ReadAsync(redis);
        var messages = after.GetValueOrDefault("publish") - published.GetValueOrDefault("publish");
        Assert.InRange(messages, 3 * 2, 3 * Streams / 4);
        Assert.Equal(0, after.GetValueOrDefault("spublish") - published.GetValueOrDefault("spublish"));
    }

    // Streams created, each with a producer that has written its start.
    private async Task<List<StreamProducer>> StartStreamsAsync(IStreamStore streams)
    {
        var producers = new List<StreamProducer>();
        for (var i = 0; i < Streams; i++)
        {
            var id = (await CreateAsync(streams)).StreamId;
            var producer = await streams.AcquireAsync(id, _test);
            await streams.AppendAsync(producer, Start(id), _test);
            producers.Add(producer);
        }

        return producers;
    }
}
