using AspireAgent.RuntimeTrace;

// runtime-trace gc <pid> <seconds> | alloc <pid> <seconds> [top]
if (args.Length < 3 || !int.TryParse(args[1], out var pid) || !int.TryParse(args[2], out var seconds))
{
    Console.Error.WriteLine("usage: AspireAgent.RuntimeTrace gc|alloc <pid> <seconds> [top]   (see bench/README.md)");
    return 2;
}

var duration = TimeSpan.FromSeconds(seconds);
return args[0] switch
{
    "gc" => await GcPauses.RunAsync(pid, duration),
    "alloc" => await AllocationsByType.RunAsync(pid, duration, args.Length > 3 ? int.Parse(args[3]) : 30),
    _ => 2,
};
