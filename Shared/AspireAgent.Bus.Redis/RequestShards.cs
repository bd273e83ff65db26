using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// The request queue's shards: one Redis stream each, with its own consumer group. On a Redis Cluster one
/// stream lives on one master, so a single request stream would pin every submission and every take to it;
/// the shards' keys are chosen to land in equal stripes of the 16384 hash slots (shard j in stripe j of
/// <see cref="Count"/>), so that however the cluster splits its slots between masters, the shards spread over
/// them in proportion. Computed from the options alone, so every process agrees without asking Redis.
/// </summary>
internal sealed class RequestShards
{
    private readonly RedisKey[] _keys;

    public RequestShards(RedisKeys keys, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _keys = new RedisKey[count];
        // Shard 0 keeps the pre-sharding key (its slot is wherever it hashes); the others take the remaining stripes.
        _keys[0] = keys.Requests;
        var taken = StripeOf(HashSlot.Of(keys.Requests.ToString()), count);
        var stripes = Enumerable.Range(0, count).Where(stripe => stripe != taken).ToArray();
        for (var shard = 1; shard < count; shard++)
        {
            _keys[shard] = keys.RequestShard(TagIn(stripes[shard - 1], shard, count));
        }
    }

    public int Count => _keys.Length;

    public RedisKey this[int shard] => _keys[shard];

    /// <summary>Every shard's key, shard 0 first.</summary>
    public IReadOnlyList<RedisKey> Keys => _keys;

    /// <summary>
    /// The shard a conversation's requests go to first: always the same one (a stable hash, not
    /// <see cref="string.GetHashCode()"/>, which differs per process), so its requests keep their order.
    /// </summary>
    public int HomeOf(string conversationId) => HashSlot.Crc16(Encoding.UTF8.GetBytes(conversationId)) % _keys.Length;

    /// <summary>How many of <paramref name="capacity"/> waiting requests the shard may hold: an even split, remainder to the first shards.</summary>
    public int ShareOf(int shard, int capacity) => (capacity / _keys.Length) + (shard < capacity % _keys.Length ? 1 : 0);

    private static int StripeOf(int slot, int count) => (int)((long)slot * count / HashSlot.Count);

    // The first tag "q:k.j" whose slot falls in the stripe; a stripe of 16384/count slots is hit after about
    // count tries, so even the largest shard count costs well under a millisecond once per process.
    private static string TagIn(int stripe, int shard, int count)
    {
        for (var k = 0; ; k++)
        {
            var tag = string.Create(CultureInfo.InvariantCulture, $"q:{k}.{shard}");
            if (StripeOf(HashSlot.Of(tag), count) == stripe)
            {
                return tag;
            }
        }
    }
}
