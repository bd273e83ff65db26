using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using BenchmarkDotNet.Attributes;

namespace AspireAgent.Benchmarks.Compression;

/// <summary>
/// permessage-deflate on and off: CPU and allocations to send one 60-token answer (62 frames) on a connection
/// that has already sent others, and its bytes on the wire (WireBytes column). Memory per connection is measured
/// separately by <c>dotnet run -c Release -- memory</c>, because deflate's state lives outside the GC heap.
/// </summary>
[Config(typeof(CompressionConfig))]
public class CompressionBenchmarks
{
    private readonly AgentMessage[][] _answers = Enumerable.Range(0, 8).Select(AnswerMessages.Create).ToArray();
    private AnswerSender? _sender;
    private int _next;

    [Params(WireEncoding.Json, WireEncoding.MessagePack)]
    public WireEncoding Encoding { get; set; }

    [Params(false, true)]
    public bool Compressed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _sender = new AnswerSender(Encoding, Compressed);
        foreach (var answer in _answers)
        {
            _sender.SendAsync(answer).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _sender?.Dispose();

    [Benchmark]
    public Task SendAnswer() => _sender!.SendAsync(_answers[_next++ & 7]);
}
