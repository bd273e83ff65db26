using System.Diagnostics;
using System.Text.Json;
using AspireAgent.Bus;
using AspireAgent.Bus.Redis;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using Microsoft.Extensions.Options;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// What only the durable request queue does, against a real redis-server: wake-up by announcement, takeover of
/// a dead or hung worker's lease, recovery from lost data. The rules every queue keeps are in RequestQueueContract.
/// </summary>
public sealed class RedisRequestQueueTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_idle_consumer_is_woken_by_the_announcement_of_a_request_not_by_a_timer()
    {
        await using var redis = await RedisServer.StartAsync();
        // A claim check an hour away: only the pub/sub announcement can wake the consumer in time.
        var settings = new Dictionary<string, string?> { ["Bus:Redis:ClaimCheckInterval"] = "00:10:00", ["Bus:Redis:ClaimTimeout"] = "00:30:00" };
        await using var gateway = await BusNode.StartAsync(redis, settings);
        await using var worker = await BusNode.StartAsync(redis, settings);
        var taking = Requests.TakeAsync(worker.Requests, "w0", 2, Within);
        // Let the consumer find the queue empty and go to sleep; there is no event to wait for in between.
        await Task.Delay(200, _test);

        var clock = Stopwatch.StartNew();
        await gateway.Requests.SubmitAsync(Requests.New(), _test);
        await gateway.Requests.SubmitAsync(Requests.New(), _test);
        var leases = await taking;

        Assert.Equal(2, leases.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_request_whose_worker_stopped_renewing_is_taken_over_after_the_claim_timeout_and_the_old_holder_cannot_complete_it()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Redis:ClaimTimeout"] = "00:00:01",
            ["Bus:Redis:LeaseRenewInterval"] = "00:00:00.200",
            ["Bus:Redis:ClaimCheckInterval"] = "00:00:00.100",
        };
        await using var gateway = await BusNode.StartAsync(redis, settings);
        // A worker that hangs: alive, holding its lease, but renewing it far too late.
        await using var hung = await BusNode.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Bus:Redis:ClaimTimeout"] = "01:00:00",
            ["Bus:Redis:LeaseRenewInterval"] = "00:20:00",
        });
        await using var survivor = await BusNode.StartAsync(redis, settings);
        var request = Requests.New();
        await gateway.Requests.SubmitAsync(request, _test);
        await using var holding = hung.Requests.ReadAsync("hung", _test).GetAsyncEnumerator(_test);
        Assert.True(await holding.MoveNextAsync());

        var clock = Stopwatch.StartNew();
        var taken = Assert.Single(await Requests.TakeAsync(survivor.Requests, "survivor", 1, Within));

        Assert.Equal(request.StreamId, taken.Request.StreamId);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.8), $"taken over after {clock.Elapsed}, before the claim timeout");
        await holding.Current.CompleteAsync(_test);
        Assert.Equal(1, await Requests.InRedisAsync(redis));
        await taken.CompleteAsync(_test);
        Assert.Equal(0, await Requests.InRedisAsync(redis));
    }

    [Fact]
    public async Task An_abandoned_request_behind_many_live_ones_in_the_pending_list_is_still_taken_over()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Redis:ClaimTimeout"] = "00:00:01",
            ["Bus:Redis:LeaseRenewInterval"] = "00:00:00.200",
            ["Bus:Redis:ClaimCheckInterval"] = "00:00:00.100",
        };
        await using var gateway = await BusNode.StartAsync(redis, settings);
        await using var busy = await BusNode.StartAsync(redis, settings);
        await using var hung = await BusNode.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Bus:Redis:ClaimTimeout"] = "01:00:00",
            ["Bus:Redis:LeaseRenewInterval"] = "00:20:00",
        });
        await using var survivor = await BusNode.StartAsync(redis, settings);
        for (var i = 0; i < 25; i++)
        {
            await gateway.Requests.SubmitAsync(Requests.New(), _test);
        }

        // 24 live leases first in the pending list (XAUTOCLAIM inspects ten entries per call), the hung one last.
        var live = new List<IAsyncEnumerator<RequestLease>>();
        for (var i = 0; i < 24; i++)
        {
            var consumer = busy.Requests.ReadAsync($"busy-{i}", _test).GetAsyncEnumerator(_test);
            Assert.True(await consumer.MoveNextAsync());
            live.Add(consumer);
        }

        await using var abandoned = hung.Requests.ReadAsync("hung", _test).GetAsyncEnumerator(_test);
        Assert.True(await abandoned.MoveNextAsync());

        var taken = Assert.Single(await Requests.TakeAsync(survivor.Requests, "survivor", 1, Within));
        Assert.Equal(abandoned.Current.Request.StreamId, taken.Request.StreamId);
        foreach (var consumer in live)
        {
            await consumer.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_request_whose_worker_process_went_away_is_taken_over()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Redis:ClaimTimeout"] = "00:00:01",
            ["Bus:Redis:LeaseRenewInterval"] = "00:00:00.200",
            ["Bus:Redis:ClaimCheckInterval"] = "00:00:00.100",
        };
        await using var gateway = await BusNode.StartAsync(redis, settings);
        var gone = await BusNode.StartAsync(redis, settings);
        await using var survivor = await BusNode.StartAsync(redis, settings);
        var request = Requests.New();
        await gateway.Requests.SubmitAsync(request, _test);
        Assert.Single(await Requests.TakeAsync(gone.Requests, "gone", 1, Within));

        await gone.DisposeAsync();
        var taken = Assert.Single(await Requests.TakeAsync(survivor.Requests, "survivor", 1, Within));

        Assert.Equal(request.StreamId, taken.Request.StreamId);
        await taken.CompleteAsync(_test);
        Assert.Equal(0, await Requests.InRedisAsync(redis));
    }

    [Fact]
    public async Task A_request_whose_worker_keeps_renewing_is_not_taken_over()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Redis:ClaimTimeout"] = "00:00:00.600",
            ["Bus:Redis:LeaseRenewInterval"] = "00:00:00.100",
            ["Bus:Redis:ClaimCheckInterval"] = "00:00:00.100",
        };
        await using var gateway = await BusNode.StartAsync(redis, settings);
        await using var busy = await BusNode.StartAsync(redis, settings);
        await using var other = await BusNode.StartAsync(redis, settings);
        await gateway.Requests.SubmitAsync(Requests.New(), _test);

        // The busy worker holds its lease (its consumer is working on it) for four claim timeouts.
        await using var holding = busy.Requests.ReadAsync("busy", _test).GetAsyncEnumerator(_test);
        Assert.True(await holding.MoveNextAsync());
        var stolen = await Requests.TakeAsync(other.Requests, "other", 1, TimeSpan.FromSeconds(2.4));

        Assert.Empty(stolen);
        await holding.Current.CompleteAsync(_test);
        Assert.Equal(0, await Requests.InRedisAsync(redis));
    }

    [Fact]
    public async Task After_Redis_lost_its_data_the_consumer_group_is_recreated_and_requests_flow_again()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await BusNode.StartAsync(redis);
        await using var worker = await BusNode.StartAsync(redis);
        await gateway.Requests.SubmitAsync(Requests.New(), _test);
        var first = Assert.Single(await Requests.TakeAsync(worker.Requests, "w0", 1, Within));

        Assert.Equal("+OK", await redis.CommandAsync("FLUSHALL"));
        await first.CompleteAsync(_test); // nothing left to acknowledge: no error
        var request = Requests.New();
        await gateway.Requests.SubmitAsync(request, _test);

        var again = Assert.Single(await Requests.TakeAsync(worker.Requests, "w0", 1, Within));
        Assert.Equal(request.StreamId, again.Request.StreamId);
    }

    [Fact]
    public async Task A_request_left_in_the_unsharded_stream_by_an_older_version_is_still_taken()
    {
        await using var redis = await RedisServer.StartAsync();
        var request = Requests.New();
        // What a version before sharding left behind: its one stream, its group, a waiting request.
        Assert.Equal("+OK", await redis.CommandAsync("XGROUP", "CREATE", "aspireagent:requests", "inference", "0", "MKSTREAM"));
        await redis.CommandAsync("XADD", "aspireagent:requests", "*", "r", JsonSerializer.Serialize(request, RedisJsonContext.Default.ChatRequest));
        await using var worker = await BusNode.StartAsync(redis);

        var taken = Assert.Single(await Requests.TakeAsync(worker.Requests, "w0", 1, Within));

        Assert.Equal(request.StreamId, taken.Request.StreamId);
        await taken.CompleteAsync(_test);
        Assert.Equal(":0", await redis.CommandAsync("XLEN", "aspireagent:requests"));
    }

    [Fact]
    public async Task Requests_spread_over_the_shards_and_a_full_home_shard_spills_into_the_others()
    {
        await using var redis = await RedisServer.StartAsync();
        // Four shards of one request each: one conversation's home fills at once, the rest spill over.
        await using var gateway = await BusNode.StartAsync(redis, new Dictionary<string, string?> { ["Bus:RequestQueueCapacity"] = "4", ["Bus:Redis:RequestQueueShards"] = "4" });
        for (var i = 0; i < 4; i++)
        {
            await gateway.Requests.SubmitAsync(Requests.New(conversationId: "c_same"), _test);
        }

        await Assert.ThrowsAsync<BusOverloadedException>(async () => await gateway.Requests.SubmitAsync(Requests.New(), _test));
        var shards = new RequestShards(new RedisKeys(new RedisBusOptions()), 4);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(":1", await redis.CommandAsync("XLEN", shards[i].ToString()));
        }
    }

    [Fact]
    public async Task A_request_submitted_under_another_shard_count_is_still_taken()
    {
        await using var redis = await RedisServer.StartAsync();
        // A gateway still on eight shards while the worker was changed to three: none of their keys but shard 0 agree.
        await using var gateway = await BusNode.StartAsync(redis, new Dictionary<string, string?> { ["Bus:Redis:RequestQueueShards"] = "8" });
        var submitted = Enumerable.Range(0, 16).Select(_ => Requests.New()).ToList();
        foreach (var request in submitted)
        {
            await gateway.Requests.SubmitAsync(request, _test);
        }

        var eight = new RequestShards(new RedisKeys(new RedisBusOptions()), 8);
        var three = new RequestShards(new RedisKeys(new RedisBusOptions()), 3);
        var apart = Enumerable.Range(1, 7).Where(shard => !Enumerable.Range(0, 3).Any(other => three[other] == eight[shard])).ToList();
        Assert.NotEmpty(apart);
        await using var worker = await BusNode.StartAsync(redis, new Dictionary<string, string?> { ["Bus:Redis:RequestQueueShards"] = "3" });

        var taken = await Requests.TakeAsync(worker.Requests, "w0", submitted.Count, Within);

        Assert.Equal(submitted.Select(r => r.StreamId).Order(), taken.Select(lease => lease.Request.StreamId).Order());
    }

    [Fact]
    public async Task An_announcement_has_one_idle_consumer_read_the_shard_it_names_not_every_consumer_every_shard()
    {
        await using var redis = await RedisServer.StartAsync();
        // No claim round after the first: only announcements make consumers read.
        var settings = new Dictionary<string, string?> { ["Bus:Redis:ClaimCheckInterval"] = "00:10:00" };
        await using var gateway = await BusNode.StartAsync(redis, settings);
        await using var worker = await BusNode.StartAsync(redis, settings);
        var consumers = Enumerable.Range(0, 8).Select(i => Requests.TakeAsync(worker.Requests, $"w{i}", 1, Within)).ToList();
        // Let every consumer make its first full look and go idle; there is no event to wait for in between.
        await Task.Delay(500, _test);
        var before = await CommandStats.ReadAsync(redis);

        await gateway.Requests.SubmitAsync(Requests.New(), _test);
        var taken = await Task.WhenAny(consumers);
        Assert.Single(await taken);
        // The consumer that found the request marked its shard again; give the next one time to read it empty.
        await Task.Delay(300, _test);
        var after = await CommandStats.ReadAsync(redis);

        // One read that took the request, one that found its shard empty; before, every woken consumer looked
        // through the shards until one had something: at least eight reads, up to 64.
        var reads = after.GetValueOrDefault("xreadgroup") - before.GetValueOrDefault("xreadgroup");
        Assert.InRange(reads, 1, 2);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("257")]
    public async Task A_shard_count_out_of_range_stops_the_process_at_start(string shards)
    {
        await using var redis = await RedisServer.StartAsync();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            BusNode.StartAsync(redis, new Dictionary<string, string?> { ["Bus:Redis:RequestQueueShards"] = shards }));

        Assert.Contains("RequestQueueShards", error.Message, StringComparison.Ordinal);
    }
}
