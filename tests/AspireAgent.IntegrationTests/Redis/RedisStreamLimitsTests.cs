using AspireAgent.IntegrationTests.Redis.Infrastructure;
using static AspireAgent.IntegrationTests.Redis.Infrastructure.StreamEvents;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>A retained stream in Redis is bounded in bytes as well as chunks.</summary>
public sealed class RedisStreamLimitsTests
{
    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_chunk_that_would_pass_the_byte_limit_is_refused_and_the_stream_can_still_end()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await BusNode.StartAsync(redis, new Dictionary<string, string?> { ["Bus:MaxBytesPerStream"] = "1024" });
        var id = (await CreateAsync(node.Streams)).StreamId;
        await node.Streams.AppendAsync(id, Start(id), _test);
        await node.Streams.AppendAsync(id, Chunk(id, 0, new string('é', 500)), _test);

        // 1,000 bytes held ('é' is two bytes in UTF-8): 25 more would pass 1,024, 24 fit.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.Streams.AppendAsync(id, Chunk(id, 1, new string('x', 25)), _test));
        await node.Streams.AppendAsync(id, Chunk(id, 1, new string('x', 24)), _test);
        await node.Streams.AppendAsync(id, End(id, "cut", 2), _test);
        Assert.NotNull((await node.Streams.GetAsync(id, _test))!.EndedAt);
    }
}
