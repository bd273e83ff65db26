using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// Reads whole WebSocket messages into a pooled buffer that grows up to a hard limit, so a client can neither
/// allocate unbounded memory nor make the server assemble a message it will refuse anyway.
/// </summary>
/// <remarks>
/// An idle connection holds no buffer: each read first waits with a zero-byte receive (as Kestrel's and
/// SignalR's transports do) and rents only once a frame has arrived; the buffer goes back to the pool when the
/// next read starts, which is when the previous <see cref="Frame.Payload"/> stops being valid.
/// </remarks>
internal sealed class FrameReader(WebSocket socket, int maxMessageBytes) : IDisposable
{
    private const int InitialBufferSize = 4 * 1024;

    private byte[]? _buffer;

    // Pooled: each read of an idle connection (a pong, an ack) waits, and its state machine would otherwise be a
    // new box per message. The connection's read loop awaits each read once, which is what pooling requires.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Frame> ReadAsync(CancellationToken cancellationToken)
    {
        ReturnBuffer();
        var ready = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        if (ready.MessageType == WebSocketMessageType.Close)
        {
            return Frame.Closed;
        }

        if (ready.EndOfMessage)
        {
            return new Frame(FrameKind.Message, ready.MessageType, ReadOnlyMemory<byte>.Empty); // an empty message
        }

        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, maxMessageBytes));
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                if (length >= maxMessageBytes)
                {
                    return Frame.TooBig;
                }

                Grow(Math.Min(_buffer.Length * 2, maxMessageBytes + 1));
            }

            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return Frame.Closed;
            }

            length += result.Count;
            if (length > maxMessageBytes)
            {
                return Frame.TooBig;
            }

            if (result.EndOfMessage)
            {
                return new Frame(FrameKind.Message, result.MessageType, _buffer.AsMemory(0, length));
            }
        }
    }

    public void Dispose() => ReturnBuffer();

    private void ReturnBuffer()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer!.CopyTo(bigger, 0);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}

internal enum FrameKind
{
    Message,
    Closed,
    TooBig,
}

/// <summary>A received message; <see cref="Payload"/> is valid until the next read.</summary>
internal readonly record struct Frame(FrameKind Kind, WebSocketMessageType Type, ReadOnlyMemory<byte> Payload)
{
    public static Frame Closed { get; } = new(FrameKind.Closed, WebSocketMessageType.Close, default);

    public static Frame TooBig { get; } = new(FrameKind.TooBig, WebSocketMessageType.Binary, default);
}
