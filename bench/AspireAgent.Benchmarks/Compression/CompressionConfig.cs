using System.Globalization;
using AspireAgent.Benchmarks.Infrastructure;
using AspireAgent.Protocol.Encoding;
using BenchmarkDotNet.Running;

namespace AspireAgent.Benchmarks.Compression;

/// <summary>Wire bytes per answer at steady state (the 6th–10th answers on one connection) beside the time per answer.</summary>
public sealed class CompressionConfig : BenchConfig
{
    public CompressionConfig()
    {
        AddColumn(new FuncColumn(typeof(CompressionBenchmarks), "WireBytes", "Bytes on the wire per 60-token answer, steady state", b =>
            Measure(b).ToString(CultureInfo.InvariantCulture)));
    }

    private static long Measure(BenchmarkCase benchmark)
    {
        var encoding = (WireEncoding)benchmark.Parameters[nameof(CompressionBenchmarks.Encoding)];
        var compressed = (bool)benchmark.Parameters[nameof(CompressionBenchmarks.Compressed)];
        using var sender = new AnswerSender(encoding, compressed);
        long warm = 0;
        for (var answer = 0; answer < 10; answer++)
        {
            sender.SendAsync(AnswerMessages.Create(answer)).GetAwaiter().GetResult();
            if (answer == 4)
            {
                warm = sender.WireBytes;
            }
        }

        return (sender.WireBytes - warm) / 5;
    }
}
