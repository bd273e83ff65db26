using System.Globalization;
using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Inference;
using AspireAgent.IntegrationTests.Redis.Infrastructure;
using AspireAgent.IntegrationTests.ScaleOut;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Redis;

/// <summary>
/// What a chunk costs Redis: answers of a real worker (the simulated model, one token per chunk) relayed by
/// another node that reads them live and acknowledges every chunk, as the gateway does for a client that leaves
/// flow control to it. The figure is the rise of <c>INFO commandstats</c> (every command, those the scripts run
/// included) per chunk, housekeeping (INFO, PING, CLIENT, CONFIG…) left out. Per chunk, one append is a script
/// call with its HMGET, XADD, HSET and PUBLISH, and one acknowledgement a script call with its HGET, HSET and
/// PUBLISH: 9 commands when nothing is coalesced; batches share all but the XADD, and a stream's acknowledgements
/// go to Redis once per <c>Bus:Redis:AcknowledgeEvery</c> (16) chunks or <c>AcknowledgeAfter</c> (250 ms).
/// Run: <c>dotnet test tests/AspireAgent.IntegrationTests --filter "FullyQualifiedName~RedisRoundTrips" --logger "console;verbosity=detailed"</c>
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class RedisRoundTripsTests
{
    private const int Answers = 20;

    private static readonly HashSet<string> Housekeeping = new(StringComparer.Ordinal)
    {
        "info", "ping", "echo", "client", "config", "cluster", "hello", "command", "role", "sentinel",
    };

    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    /// <param name="tokensPerSecond">The model's rate per answer: 40 is a chat model's, 2,000 one faster than the bus's round trip.</param>
    /// <param name="maxPerChunk">
    /// 9 is one append and one acknowledgement per chunk, nothing shared. At 40 tokens per second nothing queues to be
    /// shared, so a chunk is its append (5) and a tenth of an acknowledgement (one per 250 ms): 6, where 9.7 was
    /// measured with an acknowledgement per chunk; a fast model shares its appends too (about 2).
    /// </param>
    [Theory]
    [InlineData(2000, 200, 4.0)]
    [InlineData(40, 100, 7.0)]
    public async Task A_chunk_costs_at_most_one_append_and_one_acknowledgement_and_far_less_when_the_model_is_fast(
        int tokensPerSecond, int tokens, double maxPerChunk)
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Bus:Redis:ReaderCatchUpInterval"] = "00:10:00",
            ["Inference:Simulated:TokensPerSecond"] = tokensPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Inference:Simulated:TokenCount"] = tokens.ToString(CultureInfo.InvariantCulture),
            ["Inference:Batching:MaxChars"] = "1",
            ["Inference:Concurrency"] = Answers.ToString(CultureInfo.InvariantCulture),
        };
        await using var worker = await InferenceTestHost.StartAsync(settings, _test);
        await using var relay = await BusNode.StartAsync(redis, settings);
        await RelayAsync(worker, relay); // scripts loaded, connections and subscriptions warm

        var before = await CommandStats.ReadAsync(redis);
        var chunks = (await Task.WhenAll(Enumerable.Range(0, Answers).Select(_ => RelayAsync(worker, relay)))).Sum();
        var after = await CommandStats.ReadAsync(redis);

        var used = after.Select(c => (c.Key, Calls: c.Value - before.GetValueOrDefault(c.Key))).Where(c => c.Calls > 0).OrderByDescending(c => c.Calls).ToList();
        var perChunk = used.Where(c => !Housekeeping.Contains(c.Key)).Sum(c => c.Calls) / (double)chunks;
        var report = string.Create(CultureInfo.InvariantCulture,
            $"{Answers} answers x {tokens} chunks at {tokensPerSecond} tokens/s: {perChunk:0.00} Redis commands per chunk ({string.Join(", ", used.Select(c => $"{c.Key} {c.Calls / (double)chunks:0.00}"))})");
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine(report);

        Assert.Equal(Answers * tokens, chunks);
        Assert.True(perChunk < maxPerChunk, report);
    }

    // One answer, read live on the relay node and acknowledged chunk by chunk; the chunk count.
    private async Task<int> RelayAsync(InferenceTestHost worker, BusNode relay)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_test);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var request = await worker.AskAsync("How many round trips does a chunk cost?", deadline.Token);
        var events = new List<AgentMessage>();
        await foreach (var message in relay.Streams.ReadAsync(request.StreamId, StreamPosition.Beginning, deadline.Token))
        {
            events.Add(message);
            if (message is AssistantChunk chunk)
            {
                await relay.Signals.AcknowledgeAsync(request.StreamId, chunk.Seq, deadline.Token);
            }
        }

        return new Answer(events).Chunks.Count;
    }
}
