using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Protocol;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Bus;

/// <summary>An ended stream kept compactly by the in-memory bus reads back exactly what was appended, or is not sealed.</summary>
public sealed class SealedStreamTests
{
    private const string StreamId = "s_sealed";
    private static readonly string[] Deltas = ["Hel", "lo, ", "wör", "ld", " 🙂", "!"];

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public void An_ended_stream_is_sealed_and_rebuilds_equal_events_that_are_new_objects()
    {
        var events = Answer();

        var sealedStream = SealedStream.TryCreate(StreamId, events);

        Assert.NotNull(sealedStream);
        var rebuilt = Enumerable.Range(0, sealedStream.Count).Select(i => sealedStream[i]).ToList();
        Assert.Equal(events, rebuilt);
        Assert.Same(events[0], rebuilt[0]);
        Assert.Same(events[^1], rebuilt[^1]);
        Assert.NotSame(events[3], rebuilt[3]);
    }

    [Theory]
    [InlineData("content")]
    [InlineData("id length")]
    [InlineData("stream id")]
    [InlineData("seq")]
    [InlineData("no chunks")]
    public void A_stream_whose_chunks_would_not_rebuild_exactly_is_not_sealed(string broken)
    {
        var events = Answer();
        var chunk = (AssistantChunk)events[2];
        switch (broken)
        {
            case "content":
                events[^1] = ((AssistantEnd)events[^1]) with { FullContent = "Hello, world" };
                break;
            case "id length":
                events[2] = chunk with { Id = chunk.Id + "x" };
                break;
            case "stream id":
                events[2] = chunk with { StreamId = "s_other" };
                break;
            case "seq":
                events[2] = chunk with { Seq = 7 };
                break;
            case "no chunks":
                events.RemoveRange(1, events.Count - 2);
                break;
        }

        Assert.Null(SealedStream.TryCreate(StreamId, events));
    }

    [Fact]
    public async Task Reading_an_ended_stream_from_the_start_or_after_a_chunk_gives_the_events_appended()
    {
        var time = new FakeTimeProvider();
        var store = new MemoryStreamStore(Options.Create(new BusOptions()), time);
        await store.CreateAsync(new StreamInfo { StreamId = StreamId, ConversationId = "c", OwnerId = "o", CreatedAt = time.GetUtcNow() }, _ct);
        var events = Answer();
        var producer = await store.AcquireAsync(StreamId, _ct);
        foreach (var message in events)
        {
            await store.AppendAsync(producer, message, _ct);
        }

        Assert.Equal(events, await ReadAsync(store, StreamPosition.Beginning));
        Assert.Equal(events[4..], await ReadAsync(store, StreamPosition.AfterChunk(2)));
        var again = await store.AcquireAsync(StreamId, _ct);
        Assert.Equal((true, Deltas.Length, events[^1]), (again.Started, (int)again.NextSeq, (AgentMessage?)again.End));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.AppendAsync(again, events[1], _ct));
    }

    private async Task<List<AgentMessage>> ReadAsync(MemoryStreamStore store, StreamPosition from)
    {
        var read = new List<AgentMessage>();
        await foreach (var message in store.ReadAsync(StreamId, from, _ct))
        {
            read.Add(message);
        }

        return read;
    }

    private static List<AgentMessage> Answer()
    {
        var events = new List<AgentMessage>
        {
            new AssistantStart { Id = MessageIds.New(), Timestamp = 1_000, ConversationId = "c", StreamId = StreamId, Model = "m" },
        };
        events.AddRange(Deltas.Select((delta, seq) => new AssistantChunk
        {
            Id = MessageIds.New(), Timestamp = 1_000 + 37 * seq, StreamId = StreamId, Seq = seq, Delta = delta,
        }));
        events.Add(new AssistantEnd
        {
            Id = MessageIds.New(), Timestamp = 2_000, StreamId = StreamId, FullContent = string.Concat(Deltas),
            Usage = new Usage(), FinishReason = FinishReason.Stop, ChunkCount = Deltas.Length,
        });
        return events;
    }
}
