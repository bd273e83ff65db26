using System.Buffers;
using AspireAgent.Benchmarks.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;
using BenchmarkDotNet.Attributes;

namespace AspireAgent.Benchmarks.Codecs;

/// <summary>Encode and decode of each message type in each encoding: ns/op, allocations, and bytes on the wire.</summary>
[Config(typeof(CodecConfig))]
public class CodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private IMessageCodec _codec = MessageCodecs.Json;
    private AgentMessage _message = SampleMessages.Get(SampleMessages.Chunk);
    private ReadOnlyMemory<byte> _frame;

    [ParamsAllValues]
    public WireEncoding Encoding { get; set; }

    [ParamsSource(nameof(Messages))]
    public string Message { get; set; } = SampleMessages.Chunk;

    public static IEnumerable<string> Messages => SampleMessages.Names;

    [GlobalSetup]
    public void Setup()
    {
        _codec = MessageCodecs.Get(Encoding);
        _message = SampleMessages.Get(Message);
        var buffer = new ArrayBufferWriter<byte>();
        _codec.Encode(_message, buffer);
        _frame = buffer.WrittenMemory.ToArray();
    }

    [Benchmark]
    public int Encode()
    {
        _output.ResetWrittenCount();
        _codec.Encode(_message, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public AgentMessage Decode() => _codec.Decode(_frame);
}
