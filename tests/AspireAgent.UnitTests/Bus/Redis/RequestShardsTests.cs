using AspireAgent.Bus.Redis;

namespace AspireAgent.UnitTests.Bus.Redis;

public sealed class RequestShardsTests
{
    private static RequestShards Shards(int count, string prefix = "aspireagent:") => new(new RedisKeys(prefix, sharded: true), count);

    [Theory]
    [InlineData("aspireagent:", 8)]
    [InlineData("aspireagent:", 3)]
    [InlineData("t17:", 8)]
    [InlineData("other:", 64)]
    public void Each_shard_lands_in_its_own_equal_stripe_of_the_slots(string prefix, int count)
    {
        var shards = Shards(count, prefix);

        var stripes = Enumerable.Range(0, count).Select(i => HashSlot.Of(shards[i].ToString()) * count / HashSlot.Count).Order();
        Assert.Equal(Enumerable.Range(0, count), stripes);
    }

    [Fact]
    public void Shard_zero_keeps_the_unsharded_key_so_requests_from_before_are_still_read()
    {
        var shards = Shards(8);

        Assert.Equal("aspireagent:requests", shards[0].ToString());
        Assert.Equal("aspireagent:requests", Shards(1)[0].ToString());
        Assert.All(Enumerable.Range(1, 7), i => Assert.Matches(@"^aspireagent:\{q:\d+\.\d+\}:requests$", shards[i].ToString()));
    }

    [Fact]
    public void On_a_three_master_cluster_every_master_owns_some_shards()
    {
        var shards = Shards(8);
        // The split redis-cli --cluster create makes for three masters.
        int[] firstSlots = [0, 5461, 10923, HashSlot.Count];

        var perMaster = Enumerable.Range(0, 3).Select(m =>
            Enumerable.Range(0, 8).Count(i => HashSlot.Of(shards[i].ToString()) is var slot && slot >= firstSlots[m] && slot < firstSlots[m + 1])).ToList();
        Assert.All(perMaster, owned => Assert.InRange(owned, 2, 4));
    }

    [Fact]
    public void A_conversation_always_has_the_same_home_and_conversations_spread_over_all_shards()
    {
        var shards = Shards(8);
        var homes = Enumerable.Range(0, 400).Select(i => shards.HomeOf($"c_{i}")).ToList();

        Assert.Equal(shards.HomeOf("c_7"), Shards(8).HomeOf("c_7"));
        Assert.Equal(Enumerable.Range(0, 8), homes.Distinct().Order());
        Assert.All(homes.GroupBy(h => h), g => Assert.InRange(g.Count(), 25, 75));
    }

    [Theory]
    [InlineData(1024, 8)]
    [InlineData(3, 8)]
    [InlineData(10, 3)]
    [InlineData(1, 1)]
    public void The_shares_add_up_to_the_capacity_and_differ_by_at_most_one(int capacity, int count)
    {
        var shards = Shards(count);
        var shares = Enumerable.Range(0, count).Select(i => shards.ShareOf(i, capacity)).ToList();

        Assert.Equal(capacity, shares.Sum());
        Assert.InRange(shares.Max() - shares.Min(), 0, 1);
    }
}
