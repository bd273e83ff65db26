using AspireAgent.Bus;
using AspireAgent.Bus.Redis;
using StreamPosition = AspireAgent.Bus.StreamPosition;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using AspireAgent.Protocol;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using static AspireAgent.IntegrationTests.Redis.Infrastructure.StreamEvents;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// What the contract suite cannot see on a Redis Cluster: that the bus really is spread over the shards, and
/// that a stream's live events travel on its own shard (sharded pub/sub) rather than through every node.
/// </summary>
public sealed class RedisClusterTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Streams_and_conversations_spread_over_every_master_and_live_events_ride_their_own_shard()
    {
        await using var cluster = await RedisCluster.StartAsync();
        await using var node = await BusNode.StartAsync(cluster.ConnectionString);
        for (var i = 0; i < 24; i++)
        {
            var id = (await CreateAsync(node.Streams)).StreamId;
            await node.Streams.AppendAsync(id, Start(id), _test);
            var conversation = $"c-{MessageIds.New()}";
            await node.Conversations.ClaimAsync(conversation, "alice", _test);
            await node.Conversations.TryBeginTurnAsync(conversation, id, new ChatTurn(TurnRole.User, "hi"), _test);
        }

        foreach (var master in cluster.Nodes)
        {
            Assert.True(long.Parse((await master.CommandAsync("DBSIZE")).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture) > 4, $"port {master.Port}");
        }

        // A reader following a stream is subscribed to the stream's shard channel on the master owning it.
        var followed = (await CreateAsync(node.Streams)).StreamId;
        await node.Streams.AppendAsync(followed, Start(followed), _test);
        await using var reading = node.Streams.ReadAsync(followed, StreamPosition.Beginning, _test).GetAsyncEnumerator(_test);
        Assert.True(await reading.MoveNextAsync());
        var multiplexer = node.Services.GetRequiredService<IConnectionMultiplexer>();
        var channel = $"aspireagent:{{s:{followed}}}:live";
        var owner = multiplexer.GetServer(multiplexer.GetDatabase().IdentifyEndpoint(channel)!);
        var subscribers = (RedisResult[])(await owner.ExecuteAsync("PUBSUB", "SHARDNUMSUB", channel))!;
        Assert.Equal(1, (long)subscribers[1]);
        var classic = (RedisResult[])(await owner.ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
        Assert.Equal(0, (long)classic[1]);

        await node.Streams.AppendAsync(followed, Chunk(followed, 0, "live"), _test);
        Assert.True(await reading.MoveNextAsync());
        Assert.Equal("live", Assert.IsType<AssistantChunk>(reading.Current).Delta);
    }

    [Fact]
    public async Task The_request_queue_is_spread_over_every_master_and_one_consumer_takes_from_all_of_them()
    {
        await using var cluster = await RedisCluster.StartAsync();
        await using var gateway = await BusNode.StartAsync(cluster.ConnectionString);
        await using var worker = await BusNode.StartAsync(cluster.ConnectionString);
        // Six conversations homed on each shard: random ones leave a shard empty now and then, and an empty
        // shard has no key to count.
        var layout = new RequestShards(new RedisKeys(new RedisBusOptions()), new RedisBusOptions().RequestQueueShards);
        var perShard = new int[layout.Count];
        var submitted = new List<ChatRequest>();
        while (submitted.Count < 6 * layout.Count)
        {
            var request = Requests.New();
            if (perShard[layout.HomeOf(request.ConversationId)]++ < 6)
            {
                submitted.Add(request);
            }
        }

        foreach (var request in submitted)
        {
            await gateway.Requests.SubmitAsync(request, _test);
        }

        // Every master holds request shards (KEYS answers an array: its header is the count).
        foreach (var master in cluster.Nodes)
        {
            var shards = int.Parse((await master.CommandAsync("KEYS", "aspireagent:*requests")).TrimStart('*'), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(shards >= 2, $"port {master.Port}: {shards} request shards");
        }

        var taken = await Requests.TakeAsync(worker.Requests, "w0", submitted.Count, TimeSpan.FromSeconds(20));
        Assert.Equal(submitted.Select(r => r.StreamId).Order(), taken.Select(l => l.Request.StreamId).Order());
    }

    [Fact]
    public async Task A_master_restarted_mid_stream_keeps_the_stream_and_its_live_reader_resumes_without_gap()
    {
        await using var cluster = await RedisCluster.StartAsync(durable: true);
        await using var writer = await BusNode.StartAsync(cluster.ConnectionString);
        await using var reader = await BusNode.StartAsync(cluster.ConnectionString);
        var id = (await CreateAsync(writer.Streams)).StreamId;
        await writer.Streams.AppendAsync(id, Start(id), _test);
        for (var seq = 0; seq < 5; seq++)
        {
            await writer.Streams.AppendAsync(id, Chunk(id, seq), _test);
        }

        var reading = ReadAllAsync(reader.Streams, id, StreamPosition.Beginning, TimeSpan.FromSeconds(60));
        var multiplexer = writer.Services.GetRequiredService<IConnectionMultiplexer>();
        var endpoint = (System.Net.IPEndPoint)multiplexer.GetDatabase().IdentifyEndpoint($"aspireagent:{{s:{id}}}:meta")!;
        var owner = cluster.Nodes.Single(node => node.Port == endpoint.Port);

        await owner.KillAsync();
        await owner.StartAgainAsync();
        await cluster.WaitUntilOkAsync();
        for (var seq = 5; seq < 10; seq++)
        {
            await AppendOnceRedisAnswersAsync(writer.Streams, id, Chunk(id, seq));
        }

        await AppendOnceRedisAnswersAsync(writer.Streams, id, End(id, "all", 10));
        var events = await reading;
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), events.OfType<AssistantChunk>().Select(c => c.Seq));
        Assert.IsType<AssistantEnd>(events[^1]);
    }

    /// <summary>
    /// Appends, retrying while the client has not yet reconnected to the restarted master. A write that failed
    /// on the connection never reached Redis here (the master was already back), so a retry cannot double it.
    /// </summary>
    private async Task AppendOnceRedisAnswersAsync(IStreamStore streams, string streamId, AgentMessage message)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await streams.AppendAsync(streamId, message, _test);
                return;
            }
            catch (Exception exception) when ((exception is RedisException or TimeoutException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, _test);
            }
        }
    }
}
