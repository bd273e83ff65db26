using AspireAgent.Bus;
using AspireAgent.Bus.Hosting;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// Gateways that start together on an empty Redis share one key: otherwise each protects identity tokens with its
/// own, and a node that has not read another's key yet refuses its tokens (a client loses its identity).
/// </summary>
public sealed class RedisKeyRingTests
{
    private const string Ring = "aspireagent:dataprotection:keys";

    [Fact]
    public async Task A_node_that_read_an_empty_ring_adopts_the_first_key_another_node_wrote_meanwhile()
    {
        await using var redis = await RedisServer.StartAsync();
        using var first = Node(redis);
        using var second = Node(redis);
        var secondKeys = second.Services.GetRequiredService<IKeyManager>();
        Assert.Empty(secondKeys.GetAllKeys()); // the second node has read the ring: empty

        var firstToken = Protector(first).Protect("first"); // the first node creates and stores its key
        // What the second node's key ring does next, having seen no key: create one, then read the ring again.
        secondKeys.CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));

        Assert.Equal(":1", await redis.CommandAsync("LLEN", Ring));
        var secondToken = Protector(second).Protect("second");
        Assert.Equal("first", Protector(second).Unprotect(firstToken));
        Assert.Equal("second", Protector(first).Unprotect(secondToken));
        Assert.Equal(KeyId(firstToken), KeyId(secondToken));
    }

    [Fact]
    public async Task Keys_created_while_the_ring_has_keys_are_stored_as_rotations()
    {
        await using var redis = await RedisServer.StartAsync();
        using var node = Node(redis);
        Protector(node).Protect("first");
        var keys = node.Services.GetRequiredService<IKeyManager>();
        Assert.Single(keys.GetAllKeys());

        keys.CreateNewKey(DateTimeOffset.UtcNow.AddDays(2), DateTimeOffset.UtcNow.AddDays(90));

        Assert.Equal(":2", await redis.CommandAsync("LLEN", Ring));
    }

    // Built, not started: the key ring is created when these tests decide, not by Data Protection's start-up warm-up.
    private static IHost Node(RedisServer redis)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        builder.AddAgentBus();
        builder.Services.AddDataProtection().SetApplicationName("AspireAgent").PersistKeysToAgentBus();
        return builder.Build();
    }

    // A payload is a 4-byte magic header, then the id of the key that protected it.
    private static Guid KeyId(string token)
    {
        var base64 = token.Replace('-', '+').Replace('_', '/');
        var bytes = Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
        return new Guid(bytes.AsSpan(4, 16));
    }

    private static IDataProtector Protector(IHost node) =>
        node.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
}
