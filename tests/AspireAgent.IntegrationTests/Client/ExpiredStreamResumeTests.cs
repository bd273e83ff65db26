using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.IntegrationTests.Client;

/// <summary>
/// A client that comes back after its stream's retention is over gets an explicit outcome, never silence.
/// The gateway (model pacing, retention, sweeper) and the client (reconnect backoff) run on two test clocks,
/// so the test decides that the stream ends and expires while the client is away.
/// </summary>
[Collection(ClientResilienceCollection.Name)]
public sealed class ExpiredStreamResumeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Resuming_a_stream_whose_retention_expired_ends_the_answer_with_stream_not_found()
    {
        var gatewayTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await TestGateway.StartAsync(
            new Dictionary<string, string?>
            {
                ["Bus:StreamRetention"] = "00:00:01",
                ["Bus:SweepInterval"] = "00:00:01",

                // A token every 10 ms of the gateway's clock (a much faster pace rounds to no wait at all).
                ["Inference:Simulated:TokensPerSecond"] = "100",
            },
            gatewayTime);
        var streams = gateway.Services.GetRequiredService<IStreamStore>();
        await using var proxy = new CuttingProxy(gateway.HttpBase);
        var clientTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = ResilientClients.Create(proxy.WebSocketUri, o => (o.TimeProvider, o.Reconnect) = (clientTime, new ReconnectOptions()));
        var scheduled = new TaskCompletionSource<ReconnectStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ReconnectChanged += status =>
        {
            if (status.NextAttemptAt is not null)
            {
                scheduled.TrySetResult(status);
            }
        };
        await client.ConnectAsync(TestContext.Current.CancellationToken);

        await using var answer = client.StreamAnswerAsync("conv-expired", "Hello?", TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await answer.MoveNextAsync());
        var start = Assert.IsType<AssistantStart>(answer.Current);

        // The model waits on the gateway's clock, so nothing but the start has been produced when the cut comes.
        Assert.Equal(1, proxy.CutAll());
        var reconnect = await scheduled.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);

        // While the client waits: the answer ends, and then its retention passes and the sweeper removes it.
        await AdvanceUntilAsync(gatewayTime, TimeSpan.FromMilliseconds(100), async () => (await streams.GetAsync(start.StreamId, TestContext.Current.CancellationToken))?.EndedAt is not null);
        await AdvanceUntilAsync(gatewayTime, TimeSpan.FromSeconds(1), async () => await streams.GetAsync(start.StreamId, TestContext.Current.CancellationToken) is null);

        clientTime.Advance(reconnect.NextAttemptAt!.Value - clientTime.GetUtcNow());
        var rest = new List<AgentMessage>();
        while (await answer.MoveNextAsync().AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken))
        {
            rest.Add(answer.Current);
        }

        // Only the error: the stream's chunks and end were never delivered, and nothing may pretend they were.
        var error = Assert.IsType<ErrorMessage>(Assert.Single(rest));
        Assert.Equal(ErrorCodes.StreamNotFound, error.Code);
        Assert.Equal(start.StreamId, error.StreamId);
        Assert.True(client.IsOpen);
    }

    /// <summary>Moves the gateway's clock on in steps until <paramref name="done"/>; bounded by real time.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "The gateway never got there.");
            time.Advance(step);

            // The worker and the sweeper run on the thread pool; give them a moment to act on the new time.
            await Task.Delay(TimeSpan.FromMilliseconds(5), TestContext.Current.CancellationToken);
        }
    }
}
