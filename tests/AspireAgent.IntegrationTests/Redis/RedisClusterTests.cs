using AspireAgent.Bus;
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
}
