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

// "streams-redis <connection string>": the same in Redis, written through the real Redis bus.
if (args is ["streams-redis", var connection, ..])
{
    return await RedisStreamMemory.RunAsync(connection, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200);
}

// "redis-hop <connection string> [channels] [chunks/s] [seconds]": the least a chunk costs to cross Redis.
if (args is ["redis-hop", var hopConnection, ..])
{
    var at = (int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    return await RedisHopCost.RunAsync(hopConnection, at(2, 250), at(3, 22_000), TimeSpan.FromSeconds(at(4, 20)));
}

BenchmarkSwitcher.FromAssembly(typeof(AspireAgent.Benchmarks.Codecs.CodecBenchmarks).Assembly).Run(args);
return 0;
