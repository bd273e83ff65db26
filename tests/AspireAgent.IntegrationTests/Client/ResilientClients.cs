using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.IntegrationTests.Client;

/// <summary>Real clients for the integration tests, and what a test needs to read their answers.</summary>
internal static class ResilientClients
{
    /// <summary>
    /// Reconnects quickly: the schedule's shape is the unit tests' business; here a cut must cost milliseconds.
    /// </summary>
    public static AgentClient Create(Uri endpoint, Action<AgentClientOptions>? configure = null)
    {
        var options = new AgentClientOptions
        {
            Endpoint = endpoint,
            Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
        };
        configure?.Invoke(options);
        return new AgentClient(options);
    }

    /// <summary>Asks and reads the whole answer; <paramref name="onChunk"/> runs after each chunk was taken.</summary>
    public static async Task<ReadAnswer> AskAsync(
        this AgentClient client, string conversationId, string content, Func<AssistantChunk, ValueTask>? onChunk = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var messages = new List<AgentMessage>();
        await foreach (var message in client.StreamAnswerAsync(conversationId, content, timeout.Token))
        {
            messages.Add(message);
            if (message is AssistantChunk chunk && onChunk is not null)
            {
                await onChunk(chunk);
            }
        }

        return new ReadAnswer(messages);
    }
}

internal sealed record ReadAnswer(IReadOnlyList<AgentMessage> Messages)
{
    public IReadOnlyList<AssistantChunk> Chunks => [.. Messages.OfType<AssistantChunk>()];

    public string Text => string.Concat(Chunks.Select(c => c.Delta));

    public AssistantEnd End => Assert.IsType<AssistantEnd>(Messages[^1]);

    /// <summary>Every chunk exactly once, in order: seq 0, 1, 2 … with nothing missing or repeated.</summary>
    public void AssertContiguous() =>
        Assert.Equal(Enumerable.Range(0, Chunks.Count).Select(i => (long)i), Chunks.Select(c => c.Seq));
}
