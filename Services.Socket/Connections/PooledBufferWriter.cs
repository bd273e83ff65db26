using System.Buffers;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over an array rented from the shared pool, handed back by
/// <see cref="Release"/>: the writer loop holds an encode buffer only while it has frames to write, not for
/// the connection's life.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private const int MinimumSize = 4 * 1024;
    private byte[] _array = [];
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public int WrittenCount => _written;

    public void ResetWrittenCount() => _written = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _array.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Returns the array to the pool; the next write rents again.</summary>
    public void Release()
    {
        _written = 0;
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(_array.Length * 2, MinimumSize)));
        _array.AsSpan(0, _written).CopyTo(bigger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = bigger;
    }
}
