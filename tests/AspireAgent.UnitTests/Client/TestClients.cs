using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Client;

internal static class TestClients
{
    /// <summary>A client on a test clock with repeatable jitter; the heartbeat is left to the server unless asked.</summary>
    public static AgentClient Create(FakeGateway gateway, FakeTimeProvider time, Action<AgentClientOptions>? configure = null)
    {
        var options = new AgentClientOptions
        {
            Endpoint = gateway.Endpoint,
            TimeProvider = time,
            Random = new Random(42),
            Heartbeat = HeartbeatHint.Server,
        };
        configure?.Invoke(options);
        return new AgentClient(options);
    }

    /// <summary>Advances the test clock to the attempt's time, which releases the client's wait.</summary>
    public static void AdvanceTo(this FakeTimeProvider time, ReconnectStatus status)
    {
        var wait = status.NextAttemptAt!.Value - time.GetUtcNow();
        time.Advance(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    /// <summary>Reads an answer to the end, calling <paramref name="onChunk"/> after each chunk was taken.</summary>
    public static async Task<List<AgentMessage>> CollectAsync(IAsyncEnumerable<AgentMessage> answer, Action<AssistantChunk>? onChunk = null)
    {
        var received = new List<AgentMessage>();
        await foreach (var message in answer)
        {
            received.Add(message);
            if (message is AssistantChunk chunk)
            {
                onChunk?.Invoke(chunk);
            }
        }

        return received;
    }

    public static string Text(this IEnumerable<AgentMessage> messages) => string.Concat(messages.OfType<AssistantChunk>().Select(c => c.Delta));

    public static long[] Seqs(this IEnumerable<AgentMessage> messages) => [.. messages.OfType<AssistantChunk>().Select(c => c.Seq)];
}
