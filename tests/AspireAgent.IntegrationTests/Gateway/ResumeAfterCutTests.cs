using System.Net.WebSockets;
using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Gateway;

/// <summary>The server side of recovery: a socket cut mid-stream, a new socket, <c>resume</c> from the last seq.</summary>
public sealed class ResumeAfterCutTests
{
    [Fact]
    public async Task An_answer_cut_three_times_mid_stream_resumes_whole_without_gap_or_duplicate()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Simulated:TokensPerSecond"] = "400",
            ["Inference:Simulated:TokenCount"] = "120",
        });
        await using var proxy = new CuttingProxy(gateway.HttpBase);

        // The reference: the same question, uninterrupted (the simulated model is deterministic).
        await using var reference = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri);
        var expected = await reference.AskAsync("conv-reference", "Explain backpressure.");

        var client = await WireClient.ConnectAndHelloAsync(proxy.WebSocketUri);
        var token = client.IdentityToken;
        var question = client.UserMessage("conv-cut", "Explain backpressure.");
        await client.SendAsync(question);
        var start = await client.ReceiveAsync<AssistantStart>(m => m is AssistantStart s && s.ReplyTo == question.Id);

        var received = new List<AssistantChunk>();
        AssistantEnd? end = null;
        var cuts = 0;
        while (end is null)
        {
            AgentMessage? message;
            try
            {
                message = await client.ReceiveAsync();
            }
            catch (WebSocketException)
            {
                message = null;
            }

            switch (message)
            {
                case AssistantChunk chunk:
                    received.Add(chunk);
                    if (cuts < 3 && received.Count % 10 == 0)
                    {
                        cuts += proxy.CutAll() > 0 ? 1 : 0;
                    }

                    break;
                case AssistantEnd e:
                    end = e;
                    break;
                case null:
                    await client.DisposeAsync();
                    client = await WireClient.ConnectAndHelloAsync(proxy.WebSocketUri, token: token);
                    var resume = new Dictionary<string, string> { [ControlKeys.StreamId] = start.StreamId };
                    if (received.Count > 0)
                    {
                        resume[ControlKeys.Seq] = received[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    await client.SendAsync(client.Control(ControlActions.Resume, resume));
                    break;
            }
        }

        await client.DisposeAsync();
        Assert.Equal(3, cuts);
        Assert.Equal(Enumerable.Range(0, received.Count).Select(i => (long)i), received.Select(c => c.Seq));
        Assert.Equal(end.FullContent, string.Concat(received.Select(c => c.Delta)));
        Assert.Equal(expected.End.FullContent, end.FullContent);
    }
}
