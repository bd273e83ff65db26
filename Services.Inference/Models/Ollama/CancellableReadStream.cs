namespace AspireAgent.Inference.Models.Ollama;

/// <summary>
/// A response body whose every read observes a cancellation token fixed at creation. SocketsHttpHandler
/// aborts the connection when a read is cancelled, which is how the model server learns to stop.
/// </summary>
internal sealed class CancellableReadStream(Stream inner, CancellationToken cancellation) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        // OllamaSharp reads asynchronously; should a synchronous read come (StreamReader.EndOfStream does one),
        // the thread blocks either way, but waiting on the async read keeps it cancellable.
        inner.ReadAsync(buffer.AsMemory(offset, count), cancellation).AsTask().GetAwaiter().GetResult();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.CanBeCanceled && cancellationToken != cancellation
            ? ReadLinkedAsync(buffer, cancellationToken)
            : inner.ReadAsync(buffer, cancellation);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadLinkedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, cancellationToken);
        return await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
    }
}
