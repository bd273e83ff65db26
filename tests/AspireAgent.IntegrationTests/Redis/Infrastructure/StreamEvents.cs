using AspireAgent.Bus;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Redis.Infrastructure;

/// <summary>Builds the events of a stream as a producer writes them, and reads a stream back whole.</summary>
internal static class StreamEvents
{
    public static async Task<StreamInfo> CreateAsync(IStreamStore streams, string? owner = null)
    {
        var info = new StreamInfo
        {
            StreamId = "s_" + MessageIds.New(),
            ConversationId = "c_" + MessageIds.New(),
            OwnerId = owner ?? "u_owner",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await streams.CreateAsync(info, TestContext.Current.CancellationToken);
        return info;
    }

    public static AssistantStart Start(string streamId) => new()
    {
        Id = MessageIds.New(),
        Timestamp = Now,
        ConversationId = "c",
        StreamId = streamId,
        Model = "test",
    };

    public static AssistantChunk Chunk(string streamId, long seq, string? delta = null) => new()
    {
        Id = MessageIds.New(),
        Timestamp = Now,
        StreamId = streamId,
        Seq = seq,
        Delta = delta ?? $"[{seq}]",
    };

    public static AssistantEnd End(string streamId, string content, long chunkCount) => new()
    {
        Id = MessageIds.New(),
        Timestamp = Now,
        StreamId = streamId,
        FullContent = content,
        FinishReason = FinishReason.Stop,
        Usage = new Usage(),
        ChunkCount = chunkCount,
    };

    public static async Task<List<AgentMessage>> ReadAllAsync(IStreamStore streams, string streamId, StreamPosition from, TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        var events = new List<AgentMessage>();
        await foreach (var message in streams.ReadAsync(streamId, from, limit.Token))
        {
            events.Add(message);
        }

        return events;
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
