using System.Globalization;
using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Inference.Models.Simulated;
using AspireAgent.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AspireAgent.Benchmarks.Streams;

/// <summary>
/// GC heap held by answers retained in the in-memory bus (the one-process mode): N streams of the simulated
/// model's text in chunks of one word, ended (fullContent repeats the text) or paused at the producer's window
/// of 64 chunks. The figure per chunk and per byte of text is what <c>Bus:MaxChunksPerStream</c> and
/// <c>Bus:MaxBytesPerStream</c> bound.
/// </summary>
internal static class StreamMemory
{
    public static int Run(int streams)
    {
        Console.WriteLine($"GC heap held per stream in the in-memory bus, {streams} streams each (one word per chunk)");
        Console.WriteLine("| stream | chunks | text | heap / stream | heap / chunk | heap / text byte |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (chunks, ended) in new[] { (64, false), (1_000, true), (10_000, true), (100_000, true) })
        {
            var count = Math.Max(1, streams * 1_000 / Math.Max(chunks, 1_000));
            var (perStream, textBytes) = Measure(count, chunks, ended);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(ended ? "retained (ended)" : "paused at the window")} | {chunks:N0} | {textBytes / 1024.0:0.0} KiB | {perStream / 1024.0:0.0} KiB | {perStream / chunks:0} B | {perStream / textBytes:0.0} B |"));
        }

        return 0;
    }

    private static (double PerStream, double TextBytes) Measure(int count, int chunks, bool ended)
    {
        var options = Options.Create(new BusOptions { MaxChunksPerStream = 10_000_000, MaxBytesPerStream = 1L << 30 });
        var words = SimulatedAnswer.Tokens([new ChatMessage(ChatRole.User, "How much memory does an answer hold?")], chunks);
        var text = string.Concat(words);
        var now = DateTimeOffset.UtcNow;

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap0 = GC.GetTotalMemory(forceFullCollection: true);
        var store = new MemoryStreamStore(options, TimeProvider.System);
        for (var s = 0; s < count; s++)
        {
            var id = $"s_{s:D12}";
            store.CreateAsync(new StreamInfo { StreamId = id, ConversationId = $"c-{s}", OwnerId = "owner", CreatedAt = now }, default).AsTask().Wait();
            Append(store, new AssistantStart { Id = MessageIds.New(), Timestamp = 1, ConversationId = $"c-{s}", StreamId = id, Model = "simulated" });
            for (var seq = 0; seq < chunks; seq++)
            {
                Append(store, new AssistantChunk { Id = MessageIds.New(), Timestamp = 1, StreamId = id, Seq = seq, Delta = words[seq] });
            }

            if (ended)
            {
                Append(store, new AssistantEnd
                {
                    Id = MessageIds.New(), Timestamp = 1, StreamId = id, FullContent = new string(text.AsSpan()),
                    FinishReason = FinishReason.Stop, ChunkCount = chunks, Usage = new Usage(),
                });
            }
        }

        var heap1 = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(store);
        return ((heap1 - heap0) / (double)count, System.Text.Encoding.UTF8.GetByteCount(text));
    }

    private static void Append(MemoryStreamStore store, AgentMessage message) =>
        store.AppendAsync(message switch
        {
            AssistantStart s => s.StreamId,
            AssistantChunk c => c.StreamId,
            AssistantEnd e => e.StreamId,
            _ => throw new ArgumentException(message.Type),
        }, message, default).AsTask().Wait();
}
