using AspireAgent.LoadTool.Cli;
using AspireAgent.LoadTool.Reporting;
using AspireAgent.LoadTool.Scenarios.Chaos;
using AspireAgent.LoadTool.Scenarios.Connections;
using AspireAgent.LoadTool.Scenarios.Storm;
using AspireAgent.LoadTool.Scenarios.Streaming;

// Exit codes: 0 every run verified; 1 a run lost, duplicated or altered a token, or a connection failed; 2 bad usage.
try
{
    var arguments = ToolArguments.Parse(args);
    using var interrupt = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupt.Cancel();
    };

    var output = arguments.String("out", "");
    RunResults results = arguments.Scenario switch
    {
        "connections" => await ConnectionsScenario.RunAsync(arguments, interrupt.Token),
        "stream" => await StreamScenario.RunAsync(arguments, interrupt.Token),
        "storm" => await StormScenario.RunAsync(arguments, interrupt.Token),
        "chaos" => await ChaosScenario.RunAsync(arguments, interrupt.Token),
        var other => throw new ArgumentException($"Unknown scenario '{other}': connections, stream, storm or chaos."),
    };

    await results.WriteAsync(output.Length > 0 ? output : null);
    if (results.Failures.Count > 0)
    {
        Console.Error.WriteLine($"FAILED: {results.Failures.Count} problem(s); the figures above do not count.");
        return 1;
    }

    return 0;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("usage: AspireAgent.LoadTool connections|stream|storm|chaos [--option value …]   (see bench/README.md)");
    return 2;
}
