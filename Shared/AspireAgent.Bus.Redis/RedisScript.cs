using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// A Lua script called by its SHA1 (EVALSHA). Called by its text, the multiplexer looks the script up in a cache
/// keyed by the whole text, hashing it again on every call: for the append script, about 2.5 KB on every chunk
/// (2 % of the gateway and worker's CPU per token through Redis). The SHA1 is computed once here instead. When
/// the Redis node does not know the script (its first call there, a restart, SCRIPT FLUSH), Redis refuses the
/// call without running anything and it is made once more by text, which loads it.
/// </summary>
internal sealed class RedisScript(string text)
{
    private readonly byte[] _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[]? values = null)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(text, keys, values).ConfigureAwait(false);
        }
    }
}
