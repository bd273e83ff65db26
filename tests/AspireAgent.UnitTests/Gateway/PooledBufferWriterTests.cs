using AspireAgent.Socket.Connections;

namespace AspireAgent.UnitTests.Gateway;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void Grows_past_the_first_rent_keeping_what_was_written_and_rents_again_after_release()
    {
        var writer = new PooledBufferWriter();
        var payload = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        for (var offset = 0; offset < payload.Length; offset += 1_000)
        {
            payload.AsSpan(offset, 1_000).CopyTo(writer.GetSpan(1_000));
            writer.Advance(1_000);
        }

        Assert.Equal(payload, writer.WrittenMemory.ToArray());

        writer.Release();
        Assert.Equal(0, writer.WrittenCount);
        Assert.True(writer.WrittenMemory.IsEmpty);

        writer.GetSpan(3)[..3].Fill(7);
        writer.Advance(3);
        Assert.Equal(new byte[] { 7, 7, 7 }, writer.WrittenMemory.ToArray());
        writer.Release();
    }

    [Fact]
    public void Advancing_past_the_rented_space_throws()
    {
        var writer = new PooledBufferWriter();
        var length = writer.GetMemory(10).Length;
        Assert.Throws<InvalidOperationException>(() => writer.Advance(length + 1));
        writer.Release();
    }
}
