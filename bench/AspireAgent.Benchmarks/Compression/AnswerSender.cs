using System.Buffers;
using System.Net.WebSockets;
using AspireAgent.Benchmarks.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Benchmarks.Compression;

/// <summary>
/// A server-side WebSocket, with or without permessage-deflate, writing answers into a byte counter. It is the
/// same ManagedWebSocket and deflater Kestrel uses for <c>Gateway:EnableCompression</c>, with the defaults a
/// browser negotiates (15-bit windows, context takeover), kept across answers as on a long-lived connection.
/// </summary>
internal sealed class AnswerSender : IDisposable
{
    private readonly IMessageCodec _codec;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly CountingStream _wire = new();
    private readonly WebSocket _socket;

    public AnswerSender(WireEncoding encoding, bool compressed)
    {
        _codec = MessageCodecs.Get(encoding);
        _socket = WebSocket.CreateFromStream(_wire, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.Zero,
            DangerousDeflateOptions = compressed ? new WebSocketDeflateOptions() : null,
        });
    }

    public long WireBytes => _wire.Written;

    public async Task SendAsync(AgentMessage[] answer)
    {
        foreach (var message in answer)
        {
            _buffer.ResetWrittenCount();
            _codec.Encode(message, _buffer);
            await _socket.SendAsync(_buffer.WrittenMemory, _codec.FrameType, endOfMessage: true, CancellationToken.None);
        }
    }

    /// <summary>Payload bytes before compression and framing, for the ratio.</summary>
    public long PayloadBytes(AgentMessage[] answer)
    {
        long total = 0;
        foreach (var message in answer)
        {
            _buffer.ResetWrittenCount();
            _codec.Encode(message, _buffer);
            total += _buffer.WrittenCount;
        }

        return total;
    }

    public void Dispose() => _socket.Dispose();
}
