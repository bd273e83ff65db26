using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.UnitTests.Client;

/// <summary>The router's part in resuming: what it keeps, drops, repairs and gives up on.</summary>
public sealed class RouterResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replayed_chunks_and_a_replayed_start_are_dropped_and_the_resume_point_advances()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");
        answer.Sent = true;

        await router.RouteAsync(Start("s1", "u1"), Ct);
        await router.RouteAsync(Chunk("s1", 0), Ct);
        await router.RouteAsync(Chunk("s1", 1), Ct);
        Assert.True(await router.RouteAsync(Start("s1", "u1"), Ct));
        Assert.True(await router.RouteAsync(Chunk("s1", 0), Ct));
        Assert.True(await router.RouteAsync(Chunk("s1", 1), Ct));
        await router.RouteAsync(Chunk("s1", 2), Ct);

        Assert.Equal(2, answer.LastSeq);
        Assert.Equal(4, answer.Reader.Count); // start, 0, 1, 2
        Assert.Same(answer, Assert.Single(router.ResumePoints()));
    }

    [Fact]
    public async Task A_gap_is_reported_for_repair_a_few_times_then_ends_the_answer()
    {
        var router = new MessageRouter(capacity: 16);
        using var answer = router.Subscribe("u1", "c1");
        answer.Sent = true;
        await router.RouteAsync(Start("s1", "u1"), Ct);
        await router.RouteAsync(Chunk("s1", 0), Ct);

        for (var i = 0; i < MessageRouter.MaxGapRepairs; i++)
        {
            var gap = await Assert.ThrowsAsync<StreamGapException>(() => router.RouteAsync(Chunk("s1", 5), Ct).AsTask());
            Assert.Equal((1L, 5L), (gap.Expected, gap.Received));
        }

        Assert.True(await router.RouteAsync(End("s1", chunkCount: 9), Ct));
        Assert.Equal(0, router.Count);
        var messages = new List<AgentMessage>();
        var failure = await Assert.ThrowsAsync<StreamGapException>(async () =>
        {
            await foreach (var message in answer.Reader.ReadAllAsync(Ct))
            {
                messages.Add(message);
            }
        });
        Assert.Equal(9, failure.Received);
        Assert.Equal(2, messages.Count); // what came before the gap was delivered
    }

    [Fact]
    public async Task Suspending_keeps_started_answers_fails_unstarted_sent_ones_and_forgets_abandoned_ones()
    {
        var router = new MessageRouter(capacity: 16);
        using var started = router.Subscribe("u1", "c1");
        started.Sent = true;
        using var unstarted = router.Subscribe("u2", "c2");
        unstarted.Sent = true;
        using var notSent = router.Subscribe("u3", "c3");
        var abandoned = router.Subscribe("u4", "c4");
        abandoned.Sent = true;
        await router.RouteAsync(Start("s1", "u1"), Ct);
        await router.RouteAsync(Start("s4", "u4"), Ct);
        abandoned.Dispose();

        router.Suspend(new AgentConnectionException("lost"));

        Assert.Same(started, Assert.Single(router.ResumePoints()));
        Assert.Equal(2, router.Count); // started, and the one whose send has not happened yet
        await Assert.ThrowsAsync<AnswerLostException>(async () =>
        {
            await foreach (var unused in unstarted.Reader.ReadAllAsync(Ct))
            {
            }
        });
        Assert.False(started.Reader.Completion.IsCompleted);
    }

    private static AssistantStart Start(string streamId, string replyTo) =>
        new() { Id = MessageIds.New(), Timestamp = 1, ConversationId = "c", StreamId = streamId, Model = "m", ReplyTo = replyTo };

    private static AssistantChunk Chunk(string streamId, long seq) =>
        new() { Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, Seq = seq, Delta = $"{seq} " };

    private static AssistantEnd End(string streamId, long chunkCount) => new()
    {
        Id = MessageIds.New(), Timestamp = 1, StreamId = streamId, FullContent = "", Usage = new Usage(),
        FinishReason = FinishReason.Stop, ChunkCount = chunkCount,
    };
}
