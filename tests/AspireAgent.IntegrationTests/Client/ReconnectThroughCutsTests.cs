using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.IntegrationTests.Client;

/// <summary>
/// The real client through a proxy that cuts its TCP connection mid-answer: it reconnects, resumes, and the
/// reader sees one uninterrupted answer. The wire-level twin is Gateway/ResumeAfterCutTests.
/// </summary>
[Collection(ClientResilienceCollection.Name)]
public sealed class ReconnectThroughCutsTests
{
    [Fact]
    public async Task An_answer_cut_three_times_mid_stream_ends_whole_and_identical_to_an_uninterrupted_one()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Simulated:TokensPerSecond"] = "400",
            ["Inference:Simulated:TokenCount"] = "120",
        });
        await using var proxy = new CuttingProxy(gateway.HttpBase);

        // The reference: the same question, uninterrupted (the simulated model is deterministic).
        await using var direct = ResilientClients.Create(gateway.WebSocketUri);
        await direct.ConnectAsync(TestContext.Current.CancellationToken);
        var expected = await direct.AskAsync("conv-reference", "Explain backpressure.");

        await using var client = ResilientClients.Create(proxy.WebSocketUri);
        var reconnections = 0;
        client.StateChanged += state => Interlocked.Add(ref reconnections, state == AgentConnectionState.Reconnecting ? 1 : 0);
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        var nodeToken = client.IdentityToken;
        var cuts = 0;

        // Three cuts spread over the answer, the last well before its end: a cut after the final chunk could let
        // the answer finish while the client is still reconnecting.
        var every = expected.Chunks.Count / 4;
        var answer = await client.AskAsync("conv-cut", "Explain backpressure.", chunk =>
        {
            if (cuts < 3 && chunk.Seq % every == every - 1)
            {
                cuts += proxy.CutAll() > 0 ? 1 : 0;
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(3, cuts);
        Assert.Equal(3, Volatile.Read(ref reconnections));
        answer.AssertContiguous();
        Assert.Single(answer.Messages.OfType<AssistantStart>());
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal(answer.End.ChunkCount, answer.Chunks.Count);
        Assert.Equal(answer.End.FullContent, answer.Text);
        Assert.Equal(expected.End.FullContent, answer.Text);
        Assert.Equal(nodeToken, client.IdentityToken); // the same identity all along: it owns the stream it resumes
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task Stop_after_a_reconnect_ends_the_answer_as_interrupted()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Simulated:TokensPerSecond"] = "200",
            ["Inference:Simulated:TokenCount"] = "5000",
        });
        await using var proxy = new CuttingProxy(gateway.HttpBase);
        await using var client = ResilientClients.Create(proxy.WebSocketUri);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wasReconnecting = false;
        client.StateChanged += state =>
        {
            wasReconnecting |= state == AgentConnectionState.Reconnecting;
            if (wasReconnecting && state.IsOpen())
            {
                reconnected.TrySetResult();
            }
        };
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        long? cutAt = null;
        var interrupted = false;

        var answer = await client.AskAsync("conv-stop", "Tell me everything.", async chunk =>
        {
            if (cutAt is null && chunk.Seq == 4)
            {
                cutAt = chunk.Seq;
                Assert.Equal(1, proxy.CutAll());
            }
            else if (!interrupted && reconnected.Task.IsCompleted)
            {
                // The stream continues on the new connection: Stop goes there.
                interrupted = true;
                await client.InterruptAsync(chunk.StreamId, TestContext.Current.CancellationToken);
            }
        });

        Assert.True(interrupted, "The answer ended before the client was back.");
        Assert.Equal(FinishReason.Interrupted, answer.End.FinishReason);
        answer.AssertContiguous();
        Assert.Equal(answer.End.FullContent, answer.Text);
        Assert.True(answer.Chunks.Count < 5000, "The model was not stopped.");
    }

    [Fact]
    public async Task With_a_small_window_the_answer_completes_because_the_client_acknowledges_what_it_reads()
    {
        // The producer pauses 4 chunks ahead of the last ack; without the client's acks it would stall for good.
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Backpressure:Window"] = "4",
            // The gateway acknowledges in batches, which must stay below the window.
            ["Gateway:AcknowledgeEvery"] = "2",
            ["Inference:Backpressure:MaxPause"] = "00:00:05",
            ["Inference:Simulated:TokenCount"] = "80",
        });
        await using var client = ResilientClients.Create(gateway.WebSocketUri, o => o.AcknowledgeEvery = 2);
        await client.ConnectAsync(TestContext.Current.CancellationToken);

        var answer = await client.AskAsync("conv-window", "Count slowly.");

        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.True(answer.Chunks.Count > 8, $"Only {answer.Chunks.Count} chunks: the window was never exceeded.");
        answer.AssertContiguous();
    }
}
