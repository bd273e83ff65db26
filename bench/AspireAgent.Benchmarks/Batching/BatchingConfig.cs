using System.Globalization;
using AspireAgent.Benchmarks.Infrastructure;
using BenchmarkDotNet.Running;

namespace AspireAgent.Benchmarks.Batching;

/// <summary>Frames and wire bytes per answer beside the time per answer.</summary>
public sealed class BatchingConfig : BenchConfig
{
    public BatchingConfig()
    {
        AddColumn(new FuncColumn(typeof(BatchingBenchmarks), "Frames", "WebSocket frames per 240-token answer", b => Measure(b).Frames.ToString(CultureInfo.InvariantCulture)));
        AddColumn(new FuncColumn(typeof(BatchingBenchmarks), "WireBytes", "Bytes on the wire per answer (frame headers included)", b => Measure(b).Bytes.ToString(CultureInfo.InvariantCulture)));
    }

    private static (int Frames, long Bytes) Measure(BenchmarkCase benchmark)
    {
        var shape = (TokenShape)benchmark.Parameters[nameof(BatchingBenchmarks.Shape)];
        using var pipeline = new ChunkPipeline(BatchingBenchmarks.MaxCharsOf(benchmark.Descriptor.WorkloadMethod.Name));
        var frames = pipeline.SendAnswerAsync(AnswerTokens.Create(shape)).GetAwaiter().GetResult();
        return (frames, pipeline.WireBytes);
    }
}
