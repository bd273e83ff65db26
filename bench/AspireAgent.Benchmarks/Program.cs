using AspireAgent.Benchmarks.Compression;
using AspireAgent.Benchmarks.Streams;
using BenchmarkDotNet.Running;

// "memory" is a plain measurement (per-connection deflate state), not a BenchmarkDotNet run; everything else is
// handed to BenchmarkDotNet's switcher: --filter '*Codec*', '*Batching*', '*Compression*'.
if (args is ["memory", ..])
{
    return CompressionMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
}

// "streams" is also a plain measurement: what a retained answer costs in the in-memory bus.
if (args is ["streams", ..])
{
    return StreamMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
}

BenchmarkSwitcher.FromAssembly(typeof(AspireAgent.Benchmarks.Codecs.CodecBenchmarks).Assembly).Run(args);
return 0;
