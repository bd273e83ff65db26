using AspireAgent.LoadTool.Reporting;
using AspireAgent.LoadTool.Scenarios.Chaos;
using AspireAgent.LoadTool.Scenarios.Connections;
using AspireAgent.LoadTool.Scenarios.Scale;
using AspireAgent.LoadTool.Scenarios.Storm;
using AspireAgent.LoadTool.Scenarios.Streaming;

namespace AspireAgent.LoadTool.Cli;

/// <summary>The tool's commands: the scenarios, and <c>idle-clients</c>, the child process of <c>scale</c>.</summary>
internal static class Commands
{
    private static readonly Dictionary<string, Func<ToolArguments, CancellationToken, Task<RunResults?>>> Table = new(StringComparer.Ordinal)
    {
        ["connections"] = async (args, ct) => await ConnectionsScenario.RunAsync(args, ct),
        ["stream"] = async (args, ct) => await StreamScenario.RunAsync(args, ct),
        ["storm"] = async (args, ct) => await StormScenario.RunAsync(args, ct),
        ["chaos"] = async (args, ct) => await ChaosScenario.RunAsync(args, ct),
        ["scale"] = async (args, ct) => await ScaleScenario.RunAsync(args, ct),

        // Reports on its standard output for the scale scenario that started it; no results of its own.
        ["idle-clients"] = async (args, ct) =>
        {
            await IdleClientsCommand.RunAsync(args, ct);
            return null;
        },
    };

    public static string Names => string.Join('|', Table.Keys);

    /// <returns>The results to report, or null for a command that reports nothing.</returns>
    public static Task<RunResults?> RunAsync(ToolArguments arguments, CancellationToken cancellationToken) =>
        Table.TryGetValue(arguments.Scenario, out var run)
            ? run(arguments, cancellationToken)
            : throw new ArgumentException($"Unknown scenario '{arguments.Scenario}': {string.Join(", ", Table.Keys)}.");
}
