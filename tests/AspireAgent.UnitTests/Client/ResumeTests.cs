using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Client;

/// <summary>Answers across a reconnect: resume from the last chunk, drop replays, repair gaps, explicit outcomes.</summary>
public sealed class ResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_answer_cut_mid_stream_resumes_after_its_last_chunk_and_reads_on_without_gap_or_duplicate()
    {
        var taken = new TaskCompletionSource();
        ControlMessage? resume = null;
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                var request = await connection.ExpectAsync<UserMessage>();
                await connection.SendStartAsync(request, "s1");
                await connection.SendChunkAsync("s1", 0, "one ");
                await connection.SendChunkAsync("s1", 1, "two ");
                await connection.SendChunkAsync("s1", 2, "three ");
                await taken.Task;
                connection.Drop();
                return;
            }

            resume = await connection.ExpectControlAsync(ControlActions.Resume);

            // The server replays a little too much; the client keeps each chunk once.
            await connection.SendChunkAsync("s1", 1, "two ");
            await connection.SendChunkAsync("s1", 2, "three ");
            await connection.SendChunkAsync("s1", 3, "four");
            await connection.SendEndAsync("s1", "one two three four", chunkCount: 4);
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        var answer = TestClients.CollectAsync(client.StreamAnswerAsync("c1", "count", Ct), chunk =>
        {
            if (chunk.Seq == 2)
            {
                taken.TrySetResult();
            }
        });
        time.AdvanceTo(await probe.NextScheduledAsync());
        var received = await answer.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("s1", resume!.Get(ControlKeys.StreamId));
        Assert.Equal("2", resume.Get(ControlKeys.Seq));
        Assert.Single(received.OfType<AssistantStart>());
        Assert.Equal([0L, 1, 2, 3], received.Seqs());
        Assert.Equal("one two three four", received.Text());
        Assert.Equal(received.Text(), Assert.IsType<AssistantEnd>(received[^1]).FullContent);
        Assert.Equal(AgentConnectionState.Idle, client.State);
    }

    [Fact]
    public async Task An_answer_cut_before_its_first_chunk_resumes_from_the_start_and_the_replayed_start_is_dropped()
    {
        var started = new TaskCompletionSource();
        ControlMessage? resume = null;
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                var request = await connection.ExpectAsync<UserMessage>();
                await connection.SendStartAsync(request, "s1");
                await started.Task;
                connection.Drop();
                return;
            }

            resume = await connection.ExpectControlAsync(ControlActions.Resume);
            await connection.SendAsync(new AssistantStart { Id = "x", Timestamp = 1, ConversationId = "c1", StreamId = "s1", Model = "m", ReplyTo = "whatever" });
            await connection.SendChunkAsync("s1", 0, "hi");
            await connection.SendEndAsync("s1", "hi", chunkCount: 1);
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        var received = new List<AgentMessage>();
        var answer = Task.Run(async () =>
        {
            await foreach (var message in client.StreamAnswerAsync("c1", "hello", Ct))
            {
                received.Add(message);
                if (message is AssistantStart)
                {
                    started.TrySetResult();
                }
            }
        }, Ct);
        time.AdvanceTo(await probe.NextScheduledAsync());
        await answer.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Null(resume!.Get(ControlKeys.Seq));
        Assert.Equal(["assistant.start", "assistant.chunk", "assistant.end"], received.Select(m => m.Type));
    }

    [Fact]
    public async Task An_answer_whose_start_never_arrived_fails_as_lost_and_can_be_sent_again()
    {
        var asked = new TaskCompletionSource();
        AgentMessage? firstOnNewConnection = null;
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            var request = await connection.ExpectAsync<UserMessage>();
            if (connection.Index == 0)
            {
                asked.SetResult();
                connection.Drop();
                return;
            }

            firstOnNewConnection = connection.Received[1];
            await connection.AnswerAsync(request, "s2", "again");
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        var lost = await Assert.ThrowsAsync<AnswerLostException>(() => TestClients.CollectAsync(client.StreamAnswerAsync("c1", "hello", Ct)));
        Assert.True(lost.Retryable);
        Assert.True(asked.Task.IsCompleted);

        time.AdvanceTo(await probe.NextScheduledAsync());
        await probe.WaitForAsync(AgentConnectionState.Connected, times: 2);
        var retried = await TestClients.CollectAsync(client.StreamAnswerAsync("c1", "hello", Ct));

        Assert.IsType<UserMessage>(firstOnNewConnection); // nothing was resumed: the client had no stream id
        Assert.Equal("again", retried.Text());
    }

    [Fact]
    public async Task A_resume_the_server_no_longer_can_serve_ends_the_answer_with_its_error_not_silence()
    {
        var taken = new TaskCompletionSource();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                var request = await connection.ExpectAsync<UserMessage>();
                await connection.SendStartAsync(request, "s1");
                await connection.SendChunkAsync("s1", 0, "partial");
                await taken.Task;
                connection.Drop();
                return;
            }

            var resume = await connection.ExpectControlAsync(ControlActions.Resume);
            await connection.SendAsync(new ErrorMessage
            {
                Id = "e1", Timestamp = 1, Code = ErrorCodes.StreamNotFound, Message = "expired", ReplyTo = resume.Id, StreamId = "s1",
            });
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        var answer = TestClients.CollectAsync(client.StreamAnswerAsync("c1", "hello", Ct), _ => taken.TrySetResult());
        time.AdvanceTo(await probe.NextScheduledAsync());
        var received = await answer.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("partial", received.Text());
        Assert.Equal(ErrorCodes.StreamNotFound, Assert.IsType<ErrorMessage>(received[^1]).Code);
    }

    [Fact]
    public async Task A_gap_in_a_stream_reconnects_at_once_and_resumes_from_the_last_good_chunk()
    {
        ControlMessage? resume = null;
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                var request = await connection.ExpectAsync<UserMessage>();
                await connection.SendStartAsync(request, "s1");
                await connection.SendChunkAsync("s1", 0, "a");
                await connection.SendChunkAsync("s1", 2, "c");
                await connection.ListenUntilGoneAsync();
                return;
            }

            resume = await connection.ExpectControlAsync(ControlActions.Resume);
            await connection.SendChunkAsync("s1", 1, "b");
            await connection.SendChunkAsync("s1", 2, "c");
            await connection.SendEndAsync("s1", "abc", chunkCount: 3);
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        var answer = TestClients.CollectAsync(client.StreamAnswerAsync("c1", "hello", Ct));
        var scheduled = await probe.NextScheduledAsync();
        Assert.InRange(scheduled.RemainingAt(time.GetUtcNow()), TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        Assert.Contains("seq 1 was due, 2 came", scheduled.Reason, StringComparison.Ordinal);
        time.AdvanceTo(scheduled);
        var received = await answer.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("0", resume!.Get(ControlKeys.Seq));
        Assert.Equal([0L, 1, 2], received.Seqs());
        Assert.Equal("abc", received.Text());
    }
}
