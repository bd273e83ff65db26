using AspireAgent.Bus.Memory;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>The per-identity limits on <c>user.message</c>, answered with retryable errors that say when to retry.</summary>
public sealed class QuotaTests
{
    [Fact]
    public async Task Messages_past_the_identitys_burst_are_rate_limited_with_a_retry_after_on_every_connection_of_it()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Quotas:MessageBurst"] = "3",
            ["Gateway:Quotas:MessageRefillInterval"] = "00:10:00",
        }, withWorker: false);
        await using var first = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        await using var second = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri, token: first.IdentityToken);
        await using var other = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        var streams = gateway.Services.GetRequiredService<MemoryStreamStore>();
        for (var i = 0; i < 3; i++)
        {
            await first.SendAsync(first.UserMessage($"c{i}", "hi"));
        }

        for (var wait = 0; wait < 100 && streams.CountOwnedBy(first.IdentityId!) < 3; wait++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        // The same identity on another connection has no tokens left; another identity has its own.
        var limited = second.UserMessage("c9", "hi");
        await second.SendAsync(limited);
        var error = await second.ReceiveAsync<ErrorMessage>();
        await other.SendAsync(other.UserMessage("o1", "hi"));

        Assert.Equal(ErrorCodes.RateLimited, error.Code);
        Assert.Equal(limited.Id, error.ReplyTo);
        Assert.True(error.Retryable);
        Assert.InRange(error.RetryAfterMs!.Value, 1, (long)TimeSpan.FromMinutes(10).TotalMilliseconds);
        Assert.True(await other.StaysQuietAsync(TimeSpan.FromMilliseconds(300)), "another identity was limited too");
        Assert.Equal(3, streams.CountOwnedBy(second.IdentityId!));
    }

    [Fact]
    public async Task A_connection_following_its_maximum_of_answers_gets_quota_exceeded_and_nothing_is_queued()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:MaxStreamsPerConnection"] = "2",
            ["Inference:Simulated:TokensPerSecond"] = "20",
        });
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        await client.SendAsync(client.UserMessage("a", "hi"));
        await client.SendAsync(client.UserMessage("b", "hi"));
        await client.ReceiveAsync<AssistantStart>();
        await client.ReceiveAsync<AssistantStart>();

        var third = client.UserMessage("c", "hi");
        await client.SendAsync(third);
        var error = await client.ReceiveAsync<ErrorMessage>();

        Assert.Equal(ErrorCodes.QuotaExceeded, error.Code);
        Assert.Equal(third.Id, error.ReplyTo);
        Assert.True(error.Retryable);
        Assert.True(error.RetryAfterMs > 0);
        Assert.Null(error.StreamId);
        Assert.Equal(2, gateway.Services.GetRequiredService<MemoryStreamStore>().CountOwnedBy(client.IdentityId!));
    }
}
