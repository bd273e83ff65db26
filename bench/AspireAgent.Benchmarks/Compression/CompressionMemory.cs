using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using AspireAgent.Benchmarks.Infrastructure;
using AspireAgent.Benchmarks.Codecs;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Benchmarks.Compression;

/// <summary>
/// Memory per connection that permessage-deflate adds on the server: N server-side sockets that have each
/// received a compressed pong (inflater created) and sent a compressed chunk (deflater created), against N that
/// did the same uncompressed. zlib's state is native memory, so process RSS is measured beside the GC heap.
/// </summary>
internal static class CompressionMemory
{
    public static int Run(int connections)
    {
        Console.WriteLine($"memory per connection, {connections} server-side sockets each (MessagePack; one pong in, one chunk out)");
        Console.WriteLine("| compression | GC heap / connection | RSS / connection |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var compressed in new[] { false, true, false, true })
        {
            var (heap, rss) = Measure(connections, compressed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {(compressed ? "on" : "off")} | {heap / 1024.0:0.0} KiB | {rss / 1024.0:0.0} KiB |"));
        }

        return 0;
    }

    private static (double Heap, double Rss) Measure(int connections, bool compressed)
    {
        var codec = MessageCodecs.MessagePack;
        var pong = Encode(codec, SampleMessages.Pong);
        var chunk = Encode(codec, SampleMessages.Chunk);
        var clientFrame = ClientFrame(pong, compressed);

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heap0 = GC.GetTotalMemory(forceFullCollection: true);
        var rss0 = Rss();
        var sockets = new WebSocket[connections];
        var buffer = new byte[1024];
        for (var i = 0; i < connections; i++)
        {
            var socket = WebSocket.CreateFromStream(new DuplexStream(new MemoryStream(clientFrame), Stream.Null), new WebSocketCreationOptions
            {
                IsServer = true,
                KeepAliveInterval = TimeSpan.Zero,
                DangerousDeflateOptions = compressed ? new WebSocketDeflateOptions() : null,
            });
            socket.ReceiveAsync(buffer, CancellationToken.None).GetAwaiter().GetResult();
            socket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).GetAwaiter().GetResult();
            sockets[i] = socket;
        }

        var heap1 = GC.GetTotalMemory(forceFullCollection: true);
        var rss1 = Rss();
        var result = ((heap1 - heap0) / (double)connections, (rss1 - rss0) / (double)connections);
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        GC.KeepAlive(sockets);
        return result;
    }

    private static byte[] Encode(IMessageCodec codec, string sample)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.Encode(SampleMessages.Get(sample), buffer);
        return buffer.WrittenMemory.ToArray();
    }

    // The bytes a (compressing) client would put on the wire for one message.
    private static byte[] ClientFrame(byte[] payload, bool compressed)
    {
        var wire = new MemoryStream();
        using var client = WebSocket.CreateFromStream(new DuplexStream(Stream.Null, wire), new WebSocketCreationOptions
        {
            IsServer = false,
            KeepAliveInterval = TimeSpan.Zero,
            DangerousDeflateOptions = compressed ? new WebSocketDeflateOptions() : null,
        });
        client.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).GetAwaiter().GetResult();
        return wire.ToArray();
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
