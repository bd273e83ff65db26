using AspireAgent.LoadTool.Servers;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.LoadTool.Cli;

/// <summary>The options every scenario shares.</summary>
internal sealed record CommonSettings(
    IReadOnlyList<Target> Targets,
    int Runs,
    string Configuration,
    WireEncoding Encoding,
    int BasePort,
    string? OutputFile,
    IReadOnlyList<string> ServerEnvironment)
{
    public static CommonSettings Read(ToolArguments args, string defaultTargets, int defaultRuns = 3) => new(
        args.List("targets", defaultTargets).Select(TargetNames.Parse).ToList(),
        args.Int("runs", defaultRuns),
        args.String("configuration", "Release"),
        ReadEncoding(args),
        args.Int("port", 5900),
        args.String("out", "") is { Length: > 0 } file ? file : null,
        args.List("server-env", ""));

    /// <summary>The gateway encoding, <c>--encoding json|msgpack|protobuf</c> (default msgpack).</summary>
    public static WireEncoding ReadEncoding(ToolArguments args) => args.String("encoding", "msgpack") switch
    {
        "json" => WireEncoding.Json,
        "msgpack" => WireEncoding.MessagePack,
        "protobuf" => WireEncoding.Protobuf,
        var other => throw new ArgumentException($"Unknown encoding '{other}': json, msgpack or protobuf."),
    };

    /// <summary>Each run alternates the order of the targets, so neither always runs on a warmer machine.</summary>
    public IEnumerable<(int Run, Target Target)> Schedule()
    {
        for (var run = 1; run <= Runs; run++)
        {
            var order = run % 2 == 1 ? Targets : Targets.Reverse().ToList();
            foreach (var target in order)
            {
                yield return (run, target);
            }
        }
    }
}
