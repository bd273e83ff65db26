using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AspireAgent.Bus.Memory;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>One identity flooding the service must not starve the others, and nothing it is refused is generated.</summary>
[Collection(MeasuredCollection.Name)]
public sealed class FairnessTests
{
    private const int Chatters = 20;
    private const int QuestionsEach = 6;
    private const int FloodMessages = 2_000;
    private const int IdentityQuota = 4;

    // Four workers, answers of ~100 ms: twenty chatters alone already keep a queue, so the baseline is a loaded
    // service, not an idle one. The rate limit is opened wide so that the bus-wide answer quota is what binds.
    private static Dictionary<string, string?> Settings => new()
    {
        ["Inference:Concurrency"] = "4",
        ["Inference:Simulated:TokensPerSecond"] = "400",
        ["Inference:Simulated:TokenCount"] = "40",
        ["Gateway:Quotas:MaxAnswersPerIdentity"] = IdentityQuota.ToString(CultureInfo.InvariantCulture),
        ["Gateway:Quotas:MessageBurst"] = "100000",
    };

    [Fact]
    public async Task A_flooding_identity_gets_limit_errors_nothing_it_was_refused_is_generated_and_the_others_first_token_p99_stays_within_2x()
    {
        TimeSpan baseline;
        await using (var gateway = await TestGateway.StartAsync(Settings))
        {
            baseline = Percentile99(await ChatAsync(gateway));
        }

        await using var flooded = await TestGateway.StartAsync(Settings);
        await using var flooder = await WireClient.ConnectAndHelloAsync(flooded.WebSocketUri);
        var flood = new Flood(flooder);
        var receiving = flood.ReceiveAsync();
        var sending = flood.SendAsync(TestContext.Current.CancellationToken);
        await flood.SaturatedAsync();

        var withFlood = Percentile99(await ChatAsync(flooded));
        await sending;
        await flood.DrainAsync();
        await flooder.DisposeAsync();
        await receiving;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"first-token P99: {baseline.TotalMilliseconds:F0} ms alone, {withFlood.TotalMilliseconds:F0} ms beside the flood; " +
            $"flooder: {flood.Started.Count} admitted, {flood.Refusals.Count} refused");

        // The flooder got the documented refusals, each retryable with a hint and naming no stream.
        Assert.True(flood.Refusals.Count > FloodMessages / 2, $"only {flood.Refusals.Count} refusals");
        Assert.All(flood.Refusals, e =>
        {
            Assert.Equal(ErrorCodes.QuotaExceeded, e.Code);
            Assert.True(e.Retryable);
            Assert.True(e.RetryAfterMs > 0);
            Assert.Null(e.StreamId);
        });
        Assert.Equal(FloodMessages, flood.Refusals.Count + flood.Started.Count);

        // Only what it was admitted exists on the bus: no refused request was queued, let alone generated.
        var streams = flooded.Services.GetRequiredService<MemoryStreamStore>();
        Assert.Equal(flood.Started.Count, streams.CountOwnedBy(flooder.IdentityId!));

        Assert.True(
            withFlood <= 2 * baseline,
            $"first-token P99 with the flooder {withFlood.TotalMilliseconds:F0} ms, without {baseline.TotalMilliseconds:F0} ms");
    }

    // Twenty identities each asking QuestionsEach questions in a row; the time from sending to the first chunk.
    private static async Task<List<TimeSpan>> ChatAsync(TestGateway gateway)
    {
        var firstTokens = new ConcurrentBag<TimeSpan>();
        await Task.WhenAll(Enumerable.Range(0, Chatters).Select(async c =>
        {
            await using var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
            for (var q = 0; q < QuestionsEach; q++)
            {
                var question = client.UserMessage($"chat-{c}", $"question {q}");
                var sent = Stopwatch.GetTimestamp();
                await client.SendAsync(question);
                var start = await client.ReceiveAsync<AssistantStart>(m => m is AssistantStart s && s.ReplyTo == question.Id);
                await client.ReceiveAsync<AssistantChunk>(m => m is AssistantChunk k && k.StreamId == start.StreamId);
                firstTokens.Add(Stopwatch.GetElapsedTime(sent));
                await client.ReceiveAsync<AssistantEnd>(m => m is AssistantEnd e && e.StreamId == start.StreamId);
            }
        }));
        return [.. firstTokens];
    }

    private static TimeSpan Percentile99(List<TimeSpan> samples)
    {
        samples.Sort();
        return samples[(int)Math.Ceiling(samples.Count * 0.99) - 1];
    }

    /// <summary>One connection sending FloodMessages user.messages on distinct conversations, without waiting.</summary>
    private sealed class Flood(WireClient client)
    {
        private readonly TaskCompletionSource _saturated = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _ended;

        public ConcurrentBag<ErrorMessage> Refusals { get; } = [];

        public ConcurrentDictionary<string, string> Started { get; } = new();

        public Task SaturatedAsync() => _saturated.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Paced a little, so that the flood lasts about as long as the others chat, not a burst that is over at once.
        public async Task SendAsync(CancellationToken cancellationToken)
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
            for (var i = 0; i < FloodMessages; i++)
            {
                await client.SendAsync(client.UserMessage($"flood-{i}", "flood"));
                await pace.WaitForNextTickAsync(cancellationToken);
            }
        }

        // Ends when the test closes the connection; what it counted by then is what the test asserts.
        public async Task ReceiveAsync()
        {
            while (await NextAsync() is { } message)
            {
                switch (message)
                {
                    case ErrorMessage error:
                        Refusals.Add(error);
                        break;
                    case AssistantStart start:
                        Started[start.StreamId] = start.ReplyTo!;
                        if (Started.Count >= IdentityQuota)
                        {
                            _saturated.TrySetResult();
                        }

                        break;
                    case AssistantEnd:
                        Interlocked.Increment(ref _ended);
                        break;
                }
            }
        }

        private async Task<AgentMessage?> NextAsync()
        {
            try
            {
                return await client.ReceiveAsync(TimeSpan.FromMinutes(2));
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                return null;
            }
        }

        // Every message answered: a refusal, or an answer that has ended.
        public async Task DrainAsync()
        {
            var deadline = Stopwatch.GetTimestamp();
            while (Refusals.Count + Volatile.Read(ref _ended) < FloodMessages && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }
}
