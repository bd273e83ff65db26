using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// The Data Protection key ring in Redis (the format of <see cref="RedisXmlRepository"/>: one list of XML
/// elements), with one rule added: the first key is written by one node only. Nodes that start together on an
/// empty ring each create a key; each then protects with its own, and a node that has not yet read another's key
/// refuses its tokens — Data Protection refreshes the ring on an unknown key, but of several refreshes racing on
/// one node one can come back without it (seen as a client losing its identity when its node died). Here, a node
/// that read an empty ring stores its key only if the ring is still empty; otherwise it drops its key and, when
/// it reads the ring again right after, adopts the one already there. Later keys (rotations) are stored as usual:
/// they activate days after creation, long after every node has read them.
/// </summary>
internal sealed partial class RedisKeyRingRepository(Func<IDatabase> database, RedisKey key, ILogger<RedisKeyRingRepository> logger)
    : IXmlRepository
{
    private const string StoreIfEmpty = """
        if redis.call('LLEN', KEYS[1]) == 0 then
            redis.call('RPUSH', KEYS[1], ARGV[1])
            return 1
        end
        return 0
        """;

    private readonly RedisXmlRepository _ring = new(database, key);
    private volatile bool _readEmpty;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = _ring.GetAllElements();
        _readEmpty = elements.Count == 0;
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        if (!_readEmpty)
        {
            _ring.StoreElement(element, friendlyName);
            return;
        }

        var stored = (long)database().ScriptEvaluate(StoreIfEmpty, [key], [element.ToString(SaveOptions.DisableFormatting)]);
        if (stored == 0)
        {
            LogFirstKeyTaken(friendlyName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Another node wrote the key ring's first key first; {FriendlyName} is dropped and that key is used")]
    private partial void LogFirstKeyTaken(string friendlyName);
}
