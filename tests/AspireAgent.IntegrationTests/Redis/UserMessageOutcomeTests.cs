using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// A <c>user.message</c> always ends in an answer or an error, even when Redis stalls just as the gateway takes
/// it (a busy Redis or a loaded machine right after start): the gateway's bus calls time out, and the client must
/// hear about it on the open connection, and the conversation must take the next message.
/// </summary>
public sealed class UserMessageOutcomeTests
{
    [Fact]
    public async Task A_message_whose_bus_calls_time_out_ends_in_a_retryable_error_and_the_retry_is_answered()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            // Shorter than the stall below, so that the gateway's first bus call for the message times out.
            ["ConnectionStrings:redis"] = redis.ConnectionString + ",asyncTimeout=1000,syncTimeout=1000",
        });
        await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);

        // Every client's commands wait 3 s: what the gateway sends now runs on Redis only after it gave up.
        Assert.Equal("+OK", await redis.CommandAsync("CLIENT", "PAUSE", "3000", "ALL"));
        var question = client.UserMessage("stalled-redis", "Are you there?");
        await client.SendAsync(question);

        var error = await client.ReceiveAsync<ErrorMessage>();
        Assert.Equal(question.Id, error.ReplyTo);
        Assert.True(error.Retryable, error.Message);

        // Once Redis answers again, the same conversation takes the retry and answers it whole.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var answer = await client.AskAsync("stalled-redis", "Are you there now?");
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal(answer.Concatenated, answer.End.FullContent);
    }
}
