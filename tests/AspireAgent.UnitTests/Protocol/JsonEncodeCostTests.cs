using System.Buffers;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.UnitTests.Protocol;

public sealed class JsonEncodeCostTests
{
    [Fact]
    public void Encoding_a_chunk_allocates_nothing_and_writes_what_the_serializer_wrote()
    {
        var codec = MessageCodecs.Json;
        var chunk = new AssistantChunk { Id = "m1", Timestamp = 1, StreamId = "s_1", Seq = 7, Delta = "hello \"wörld\" <b>\n" };
        var first = new ArrayBufferWriter<byte>(1024);
        codec.Encode(chunk, first);

        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            output.ResetWrittenCount();
            codec.Encode(chunk, output);
        }

        var perChunk = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;

        Assert.Equal(first.WrittenSpan.ToArray(), output.WrittenSpan.ToArray());
        // What the source-generated serializer wrote for this chunk before chunks were written by hand.
        Assert.Equal(
            """{"type":"assistant.chunk","id":"m1","ts":1,"streamId":"s_1","seq":7,"delta":"hello \u0022w\u00F6rld\u0022 \u003Cb\u003E\n"}""",
            System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.IsType<AssistantChunk>(codec.Decode(output.WrittenMemory));
        // Through the serializer it was 312 bytes per chunk with a reused writer, more with a writer per chunk.
        Assert.InRange(perChunk, 0, 16);
    }
}
