using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Client;

/// <summary>Flow control from the client: hello <c>flow=ack</c>, acks batched as the reader takes chunks.</summary>
public sealed class AcknowledgementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Taken_chunks_are_acknowledged_once_a_batch_is_full_and_the_rest_after_the_delay()
    {
        var hello = new TaskCompletionSource<ControlMessage>();
        var acks = System.Threading.Channels.Channel.CreateUnbounded<ControlMessage>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            hello.SetResult(await connection.AcceptAsync());
            var request = await connection.ExpectAsync<UserMessage>();
            await connection.SendStartAsync(request, "s1");
            for (var seq = 0; seq < 8; seq++)
            {
                await connection.SendChunkAsync("s1", seq, $"{seq} ");
            }

            await acks.Writer.WriteAsync(await connection.ExpectControlAsync(ControlActions.Ack), Ct);
            await acks.Writer.WriteAsync(await connection.ExpectControlAsync(ControlActions.Ack), Ct);
            await connection.SendEndAsync("s1", "0 1 2 3 4 5 6 7 ", chunkCount: 8);
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time, o => (o.AcknowledgeEvery, o.AcknowledgeDelay) = (4, TimeSpan.FromMilliseconds(100)));
        await client.ConnectAsync(Ct);
        Assert.Equal(ControlKeys.FlowAck, (await hello.Task).Get(ControlKeys.Flow));

        await using var answer = client.StreamAnswerAsync("c1", "count", Ct).GetAsyncEnumerator(Ct);
        for (var taken = 0; taken < 6; taken++)
        {
            Assert.True(await answer.MoveNextAsync()); // start, then chunks 0…4: chunk n counts as taken when n + 1 is asked for
        }

        var batch = await acks.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(("s1", "3"), (batch.Get(ControlKeys.StreamId), batch.Get(ControlKeys.Seq)));

        Assert.True(await answer.MoveNextAsync()); // chunk 5: chunk 4 taken
        Assert.True(await answer.MoveNextAsync()); // chunk 6: chunk 5 taken; two pending, no full batch
        time.Advance(TimeSpan.FromMilliseconds(100));

        var tail = await acks.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("5", tail.Get(ControlKeys.Seq)); // what was not taken yet is not acknowledged
    }

    [Fact]
    public async Task A_tail_that_fills_no_batch_is_acknowledged_only_once_the_delay_has_passed()
    {
        const int Chunks = 40;
        var ack = new TaskCompletionSource<ControlMessage>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            var request = await connection.ExpectAsync<UserMessage>();
            await connection.SendStartAsync(request, "s1");
            for (var seq = 0; seq < Chunks; seq++)
            {
                await connection.SendChunkAsync("s1", seq, "x");
            }

            ack.SetResult(await connection.ExpectControlAsync(ControlActions.Ack));
            await connection.SendEndAsync("s1", new string('x', Chunks), chunkCount: Chunks);
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time, o => (o.AcknowledgeEvery, o.AcknowledgeDelay) = (1024, TimeSpan.FromMilliseconds(100)));
        await client.ConnectAsync(Ct);

        await using var answer = client.StreamAnswerAsync("c1", "go", Ct).GetAsyncEnumerator(Ct);
        Assert.True(await answer.MoveNextAsync()); // start
        Assert.True(await answer.MoveNextAsync()); // chunk 0
        for (var seq = 1; seq < Chunks; seq++)
        {
            Assert.True(await answer.MoveNextAsync()); // chunk seq: chunk seq - 1 taken, its ack pending
        }

        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(ack.Task.IsCompleted); // no batch of 1024 filled, and the delay has not passed

        time.Advance(TimeSpan.FromMilliseconds(1));
        var tail = await ack.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(("s1", $"{Chunks - 2}"), (tail.Get(ControlKeys.StreamId), tail.Get(ControlKeys.Seq)));
    }

    [Fact]
    public async Task After_a_reconnect_the_latest_ack_is_sent_again_once_the_stream_is_resumed()
    {
        var taken = new TaskCompletionSource();
        var second = new TaskCompletionSource<FakeConnection>();
        var acked = new TaskCompletionSource();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                var request = await connection.ExpectAsync<UserMessage>();
                await connection.SendStartAsync(request, "s1");
                for (var seq = 0; seq < 6; seq++)
                {
                    await connection.SendChunkAsync("s1", seq, "x");
                }

                await taken.Task;
                connection.Drop();
                return;
            }

            await connection.ExpectControlAsync(ControlActions.Resume);
            await connection.ExpectControlAsync(ControlActions.Ack);
            second.SetResult(connection);
            await acked.Task;
            await connection.SendEndAsync("s1", "xxxxxx", chunkCount: 6);
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time, o => o.AcknowledgeEvery = 2);
        var probe = new ClientProbe(client);
        await client.ConnectAsync(Ct);

        var answer = TestClients.CollectAsync(client.StreamAnswerAsync("c1", "go", Ct), chunk =>
        {
            if (chunk.Seq == 5)
            {
                taken.TrySetResult();
            }
        });
        time.AdvanceTo(await probe.NextScheduledAsync());
        var connection = await second.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        acked.SetResult();
        await answer.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        var controls = connection.Received.OfType<ControlMessage>().ToList();
        Assert.Equal([ControlActions.Hello, ControlActions.Resume, ControlActions.Ack], controls.Take(3).Select(c => c.Action));
        Assert.Equal("5", controls[1].Get(ControlKeys.Seq));
        Assert.InRange(long.Parse(controls[2].Get(ControlKeys.Seq)!, System.Globalization.CultureInfo.InvariantCulture), 3, 5);
    }

    [Fact]
    public async Task With_manual_acknowledgement_only_what_the_application_acknowledges_is_acked()
    {
        var ack = new TaskCompletionSource<ControlMessage>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            var request = await connection.ExpectAsync<UserMessage>();
            await connection.SendStartAsync(request, "s1");
            for (var seq = 0; seq < 8; seq++)
            {
                await connection.SendChunkAsync("s1", seq, "x");
            }

            // The end only after the ack: once an answer has ended, acknowledging it is moot and nothing is sent.
            ack.SetResult(await connection.ExpectControlAsync(ControlActions.Ack));
            await connection.SendEndAsync("s1", "xxxxxxxx", chunkCount: 8);
            await connection.DrainUntilClosedAsync();
        });
        var time = new FakeTimeProvider();
        await using var client = TestClients.Create(gateway, time, o => (o.ManualAcknowledgement, o.AcknowledgeEvery) = (true, 4));
        await client.ConnectAsync(Ct);

        await using var answer = client.StreamAnswerAsync("c1", "go", Ct).GetAsyncEnumerator(Ct);
        for (var i = 0; i < 8; i++)
        {
            Assert.True(await answer.MoveNextAsync()); // start and chunks 0…6 taken, none acknowledged
        }

        client.Acknowledge("s1", 6); // rendered up to 6

        Assert.Equal("6", (await ack.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Get(ControlKeys.Seq));
    }

    [Theory]
    [InlineData(false, HeartbeatHint.Server, null, null)]
    [InlineData(true, HeartbeatHint.Application, ControlKeys.FlowAck, "application")]
    [InlineData(true, HeartbeatHint.Auto, ControlKeys.FlowAck, null)]
    public async Task Hello_asks_for_what_the_options_say(bool acknowledge, HeartbeatHint hint, string? flow, string? heartbeat)
    {
        var hello = new TaskCompletionSource<ControlMessage>();
        await using var gateway = await FakeGateway.StartAsync(async connection =>
        {
            hello.SetResult(await connection.AcceptAsync());
            await connection.DrainUntilClosedAsync();
        });
        await using var client = TestClients.Create(gateway, new FakeTimeProvider(), o => (o.AcknowledgeChunks, o.Heartbeat) = (acknowledge, hint));
        await client.ConnectAsync(Ct);

        var payload = await hello.Task;
        Assert.Equal(flow, payload.Get(ControlKeys.Flow));
        Assert.Equal(heartbeat, payload.Get(ControlKeys.Heartbeat)); // Auto means application only in a browser
    }
}
