using System.Buffers;
using System.Net.WebSockets;

namespace AspireAgent.Protocol.Client;

/// <summary>One whole WebSocket message, or the close frame (<see cref="IsClose"/>).</summary>
internal readonly record struct ReceivedFrame(ReadOnlyMemory<byte> Payload, WebSocketMessageType Type)
{
    public bool IsClose => Type == WebSocketMessageType.Close;
}

/// <summary>An inbound message exceeded <see cref="AgentClientOptions.MaxMessageBytes"/>.</summary>
internal sealed class FrameTooLargeException(int limit) : Exception($"An inbound message exceeded {limit} bytes.");

/// <summary>
/// Reassembles fragmented WebSocket messages into one buffer that is reused for every message, so the steady
/// state of a long stream allocates nothing per frame. The payload is only valid until the next read.
/// </summary>
internal sealed class FrameReader(int maxMessageBytes)
{
    private const int ReadSize = 16 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(ReadSize);

    /// <exception cref="FrameTooLargeException">The message is larger than the limit.</exception>
    public async ValueTask<ReceivedFrame> ReadAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        while (true)
        {
            // Asking for one byte past the limit is how an oversized message shows itself without reading it all.
            var room = Math.Min(ReadSize, maxMessageBytes - _buffer.WrittenCount + 1);
            var memory = _buffer.GetMemory(room)[..room];
            var result = await socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new ReceivedFrame(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Close);
            }

            _buffer.Advance(result.Count);
            if (_buffer.WrittenCount > maxMessageBytes)
            {
                throw new FrameTooLargeException(maxMessageBytes);
            }

            if (result.EndOfMessage)
            {
                return new ReceivedFrame(_buffer.WrittenMemory, result.MessageType);
            }
        }
    }
}
