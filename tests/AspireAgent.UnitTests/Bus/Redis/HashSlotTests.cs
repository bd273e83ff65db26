using System.Text;
using AspireAgent.Bus.Redis;

namespace AspireAgent.UnitTests.Bus.Redis;

/// <summary>The slot computation against values Redis itself documents and reports (CLUSTER KEYSLOT).</summary>
public sealed class HashSlotTests
{
    [Fact]
    public void Crc16_is_the_xmodem_variant_redis_uses()
    {
        // The check value of CRC16/XMODEM, quoted in Redis's crc16.c.
        Assert.Equal(0x31C3, HashSlot.Crc16(Encoding.ASCII.GetBytes("123456789")));
    }

    [Theory]
    [InlineData("foo", 12182)]
    [InlineData("bar", 5061)]
    [InlineData("hello", 866)]
    [InlineData("{user1000}.following", 3443)]
    [InlineData("{foo}bar", 12182)]
    public void Slots_match_what_redis_reports(string key, int slot) => Assert.Equal(slot, HashSlot.Of(key));

    [Fact]
    public void Keys_sharing_a_hash_tag_share_a_slot()
    {
        Assert.Equal(HashSlot.Of("{user1000}.following"), HashSlot.Of("{user1000}.followers"));
        Assert.NotEqual(HashSlot.Of("user1000.following"), HashSlot.Of("user1000.followers"));
    }

    [Theory]
    [InlineData("{}foo", 9500)] // an empty tag is no tag: the whole key is hashed
    [InlineData("foo{", 7673)] // no closing brace
    [InlineData("aspireagent:requests", 1515)]
    public void Without_a_non_empty_tag_the_whole_key_is_hashed(string key, int slot) => Assert.Equal(slot, HashSlot.Of(key));

    [Fact]
    public void Only_the_first_tag_counts()
    {
        Assert.Equal(15495, HashSlot.Of("x{a}{b}"));
        Assert.Equal(HashSlot.Of("a"), HashSlot.Of("x{a}{b}"));
    }
}
