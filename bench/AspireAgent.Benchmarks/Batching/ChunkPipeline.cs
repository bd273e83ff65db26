using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using AspireAgent.Benchmarks.Infrastructure;
using AspireAgent.Inference;
using AspireAgent.Inference.Batching;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using Microsoft.Extensions.Options;

namespace AspireAgent.Benchmarks.Batching;

/// <summary>
/// The per-answer work that batching changes: the worker's real <see cref="TokenBatcher"/>, then per chunk a
/// message, its MessagePack encoding and a WebSocket frame written by a server-side socket. Bus and network are
/// left out: they add a cost per frame too, so this understates the gain rather than inventing one.
/// </summary>
internal sealed class ChunkPipeline : IDisposable
{
    private readonly TokenBatcher _batcher;
    private readonly IMessageCodec _codec = MessageCodecs.MessagePack;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly CountingStream _wire = new();
    private readonly WebSocket _socket;

    public ChunkPipeline(int maxChars)
    {
        var options = new InferenceOptions { Batching = { MaxChars = maxChars, MaxDelay = TimeSpan.FromMilliseconds(15) } };
        _batcher = new TokenBatcher(Options.Create(options), TimeProvider.System);
        _socket = WebSocket.CreateFromStream(_wire, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    public long WireBytes => _wire.Written;

    /// <returns>The number of frames the answer took.</returns>
    public async Task<int> SendAnswerAsync(ModelToken[] tokens)
    {
        var channel = Channel.CreateUnbounded<ModelToken>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        foreach (var token in tokens)
        {
            channel.Writer.TryWrite(token);
        }

        channel.Writer.Complete();
        var seq = 0;
        await foreach (var delta in _batcher.BatchAsync(channel.Reader))
        {
            var chunk = new AssistantChunk { Id = "k3J9xQ2mPz8A", Timestamp = 1764000000123, StreamId = "s_Xa81kQz0Lm2B", Seq = seq++, Delta = delta };
            _buffer.ResetWrittenCount();
            _codec.Encode(chunk, _buffer);
            await _socket.SendAsync(_buffer.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }

        return seq;
    }

    public void Dispose() => _socket.Dispose();
}
