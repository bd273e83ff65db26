using AspireAgent.Inference.Batching;
using BenchmarkDotNet.Attributes;

namespace AspireAgent.Benchmarks.Batching;

/// <summary>
/// Batching off (a frame per token) against the batcher's size rule at 4 (the default), 16 and 64 characters:
/// CPU per 240-token answer on the batch → encode → frame path, and frames per answer (the Frames column).
/// The time rule (MaxDelay) is not exercised: it is about latency, and a micro-benchmark has no clock to wait on.
/// </summary>
[Config(typeof(BatchingConfig))]
public class BatchingBenchmarks
{
    private readonly Dictionary<int, ChunkPipeline> _pipelines = [];
    private ModelToken[] _tokens = [];

    [ParamsAllValues]
    public TokenShape Shape { get; set; }

    public static int MaxCharsOf(string method) => method switch
    {
        nameof(Off) => 1,
        nameof(Default4) => 4,
        nameof(Chars16) => 16,
        nameof(Chars64) => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    [GlobalSetup]
    public void Setup()
    {
        _tokens = AnswerTokens.Create(Shape);
        foreach (var chars in new[] { 1, 4, 16, 64 })
        {
            _pipelines[chars] = new ChunkPipeline(chars);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var pipeline in _pipelines.Values)
        {
            pipeline.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public Task<int> Off() => _pipelines[1].SendAnswerAsync(_tokens);

    [Benchmark]
    public Task<int> Default4() => _pipelines[4].SendAnswerAsync(_tokens);

    [Benchmark]
    public Task<int> Chars16() => _pipelines[16].SendAnswerAsync(_tokens);

    [Benchmark]
    public Task<int> Chars64() => _pipelines[64].SendAnswerAsync(_tokens);
}
