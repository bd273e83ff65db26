using System.Buffers;
using System.Globalization;
using AspireAgent.Benchmarks.Infrastructure;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.Benchmarks.Codecs;

/// <summary>The codec benchmarks' columns: the encoded size of the case's message beside its ns/op.</summary>
public sealed class CodecConfig : BenchConfig
{
    public CodecConfig()
    {
        AddColumn(new FuncColumn(typeof(CodecBenchmarks), "Bytes", "Encoded size of the message", benchmark =>
        {
            var encoding = (WireEncoding)benchmark.Parameters[nameof(CodecBenchmarks.Encoding)];
            var message = SampleMessages.Get((string)benchmark.Parameters[nameof(CodecBenchmarks.Message)]);
            var buffer = new ArrayBufferWriter<byte>();
            MessageCodecs.Get(encoding).Encode(message, buffer);
            return buffer.WrittenCount.ToString(CultureInfo.InvariantCulture);
        }));
    }
}
