using System.Collections.Concurrent;
using System.Diagnostics;
using AspireAgent.Bus;
using AspireAgent.IntegrationTests.Redis.Infrastructure;

namespace AspireAgent.IntegrationTests.Contract;

/// <summary>
/// Requests from gateways to the worker pool, on every implementation: each taken exactly once, one
/// conversation's in order, and a bounded number waiting; on a durable bus, a lease its holder stopped renewing
/// is taken over. More on the Redis queue alone (announcements, lost data, old data) in RedisRequestQueueTests.
/// </summary>
public abstract class RequestQueueContract(BusTarget target)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private readonly CancellationToken _test = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_request_goes_to_exactly_one_consumer_across_nodes()
    {
        await using var nodes = await target.StartAsync(3);
        var submitted = Enumerable.Range(0, 60).Select(_ => Requests.New()).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_test);
        var taken = new ConcurrentQueue<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumers = new[] { (nodes[1], "a0"), (nodes[1], "a1"), (nodes[2], "b0"), (nodes[2], "b1") }
            .Select(c => ConsumeAsync(c.Item1.Requests, c.Item2, stop.Token, streamId =>
            {
                taken.Enqueue(streamId);
                if (taken.Count >= submitted.Count)
                {
                    all.TrySetResult();
                }
            })).ToList();
        foreach (var request in submitted)
        {
            await nodes[0].Requests.SubmitAsync(request, _test);
        }

        await all.Task.WaitAsync(Within, _test);
        // Nothing more arrives once every request was taken and completed.
        Assert.Empty(await Requests.TakeAsync(nodes[1].Requests, "late", 1, TimeSpan.FromMilliseconds(300)));
        await stop.CancelAsync();
        await Task.WhenAll(consumers);
        Assert.Equal(submitted.Select(r => r.StreamId).Order(), taken.Order());
    }

    [Fact]
    public async Task A_conversations_requests_arrive_whole_and_in_submission_order_for_a_single_consumer()
    {
        await using var nodes = await target.StartAsync(2);
        // Order holds within a conversation: a sharded queue keeps one conversation's requests on one shard.
        var conversation = "c_" + Guid.NewGuid().ToString("N");
        var submitted = Enumerable.Range(0, 5).Select(_ => Requests.New(conversationId: conversation)).ToList();
        foreach (var request in submitted)
        {
            await nodes[0].Requests.SubmitAsync(request, _test);
        }

        var leases = await Requests.TakeAsync(nodes[1].Requests, "w0", submitted.Count, Within);

        Assert.Equal(submitted.Select(r => r.StreamId), leases.Select(l => l.Request.StreamId));
        var (sent, received) = (submitted[0], leases[0].Request);
        Assert.Equal((sent.ConversationId, sent.OwnerId, sent.UserMessageId), (received.ConversationId, received.OwnerId, received.UserMessageId));
        Assert.Equal(sent.History, received.History);
        foreach (var lease in leases)
        {
            await lease.CompleteAsync(_test);
        }
    }

    [Fact]
    public async Task Submissions_beyond_the_waiting_capacity_are_refused_as_overloaded()
    {
        await using var nodes = await target.StartAsync(2, new Dictionary<string, string?> { ["Bus:RequestQueueCapacity"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            await nodes[0].Requests.SubmitAsync(Requests.New(), _test);
        }

        await Assert.ThrowsAsync<BusOverloadedException>(async () => await nodes[0].Requests.SubmitAsync(Requests.New(), _test));
        // A request a worker holds no longer waits: there is room for one more.
        await using var holding = nodes[1].Requests.ReadAsync("w0", _test).GetAsyncEnumerator(_test);
        Assert.True(await holding.MoveNextAsync());
        await nodes[0].Requests.SubmitAsync(Requests.New(), _test);
        await Assert.ThrowsAsync<BusOverloadedException>(async () => await nodes[0].Requests.SubmitAsync(Requests.New(), _test));
    }

    [Fact]
    public async Task A_lease_whose_holder_stopped_renewing_is_taken_over_and_the_old_holder_cannot_complete_it()
    {
        Assert.SkipUnless(target.LeasesExpire, "The in-memory bus has no lease expiry: in one process a worker cannot die without its gateway, so there is nothing to take over.");
        var live = new Dictionary<string, string?>
        {
            ["Bus:Redis:ClaimTimeout"] = "00:00:01",
            ["Bus:Redis:LeaseRenewInterval"] = "00:00:00.200",
            ["Bus:Redis:ClaimCheckInterval"] = "00:00:00.100",
        };
        // A worker that hangs: alive, holding its lease, but renewing it far too late.
        var hung = new Dictionary<string, string?> { ["Bus:Redis:ClaimTimeout"] = "01:00:00", ["Bus:Redis:LeaseRenewInterval"] = "00:20:00" };
        await using var nodes = await target.StartAsync([live, hung, live]);
        var request = Requests.New();
        await nodes[0].Requests.SubmitAsync(request, _test);
        await using var holding = nodes[1].Requests.ReadAsync("hung", _test).GetAsyncEnumerator(_test);
        Assert.True(await holding.MoveNextAsync());

        var clock = Stopwatch.StartNew();
        var taken = Assert.Single(await Requests.TakeAsync(nodes[2].Requests, "survivor", 1, Within));

        Assert.Equal(request.StreamId, taken.Request.StreamId);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.8), $"taken over after {clock.Elapsed}, before the claim timeout");
        // The old holder's completion is refused: the request is still there, and once the survivor stopped
        // renewing it too (its reader ended), a third consumer takes it over again.
        await holding.Current.CompleteAsync(_test);
        var again = Assert.Single(await Requests.TakeAsync(nodes[2].Requests, "third", 1, Within));
        Assert.Equal(request.StreamId, again.Request.StreamId);
        await again.CompleteAsync(_test);
        Assert.Empty(await Requests.TakeAsync(nodes[2].Requests, "late", 1, TimeSpan.FromSeconds(1.5)));
    }

    private static async Task ConsumeAsync(IRequestQueue queue, string consumer, CancellationToken stop, Action<string> taken)
    {
        try
        {
            await foreach (var lease in queue.ReadAsync(consumer, stop))
            {
                await lease.CompleteAsync(stop);
                taken(lease.Request.StreamId);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
