using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.AppHost.Tests.Infrastructure;

/// <summary>The .NET client of the protocol, reconnecting quickly, and a whole answer read from it.</summary>
internal static class GatewayClients
{
    public static async Task<AgentClient> ConnectAsync(Uri gateway, CancellationToken cancellationToken)
    {
        var client = new AgentClient(new AgentClientOptions
        {
            Endpoint = gateway,
            Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(500) },
        });
        await client.ConnectAsync(cancellationToken);
        return client;
    }

    /// <summary>Reads one answer to the end; <paramref name="onChunk"/> runs after each chunk.</summary>
    public static async Task<WholeAnswer> AskAsync(
        this AgentClient client, string conversationId, string content, CancellationToken cancellationToken, Func<AssistantChunk, Task>? onChunk = null)
    {
        var messages = new List<AgentMessage>();
        await foreach (var message in client.StreamAnswerAsync(conversationId, content, cancellationToken))
        {
            messages.Add(message);
            if (message is AssistantChunk chunk && onChunk is not null)
            {
                await onChunk(chunk);
            }
        }

        return new WholeAnswer(messages);
    }
}

internal sealed record WholeAnswer(IReadOnlyList<AgentMessage> Messages)
{
    public IReadOnlyList<AssistantChunk> Chunks => [.. Messages.OfType<AssistantChunk>()];

    public AssistantEnd End => Assert.IsType<AssistantEnd>(Messages[^1]);

    /// <summary>Ended normally, every chunk exactly once and in order, and the chunks add up to the full content.</summary>
    public void AssertWhole()
    {
        Assert.Equal(FinishReason.Stop, End.FinishReason);
        Assert.Equal(Enumerable.Range(0, Chunks.Count).Select(i => (long)i), Chunks.Select(c => c.Seq));
        Assert.Equal(End.FullContent, string.Concat(Chunks.Select(c => c.Delta)));
        Assert.NotEmpty(End.FullContent);
    }
}
