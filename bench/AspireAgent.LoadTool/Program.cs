using AspireAgent.LoadTool.Cli;

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
    var results = await Commands.RunAsync(arguments, interrupt.Token);
    if (results is null)
    {
        return 0;
    }

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
    Console.Error.WriteLine($"usage: AspireAgent.LoadTool {Commands.Names} [--option value …]   (see bench/README.md)");
    return 2;
}
