using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AspireAgent.LoadTool.Servers;
using AspireAgent.LoadTool.Stats;

namespace AspireAgent.LoadTool.Reporting;

/// <summary>
/// Figures by metric and target, one value per run; reported as medians with the ratio AspireAgent / SignalR
/// taken from the same invocation (same machine, same minutes), which is what survives a noisy shared box.
/// </summary>
/// <remarks>The two columns are normally the two targets; the storm compares jitter against none instead.</remarks>
internal sealed class RunResults(string scenario, IReadOnlyDictionary<string, string> parameters, string first = "aspireagent", string second = "signalr")
{
    private readonly List<(string Metric, string Unit, string Variant, int Run, double Value)> _values = [];
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    public void Add(string metric, string unit, Target target, int run, double value) => Add(metric, unit, target.Name(), run, value);

    public void Add(string metric, string unit, string variant, int run, double value)
    {
        _values.Add((metric, unit, variant, run, value));
        Console.WriteLine(FormattableString.Invariant($"  run {run} {variant,-11} {metric,-38} {Format(value)} {unit}"));
    }

    public void Fail(string failure)
    {
        _failures.Add(failure);
        Console.Error.WriteLine($"  FAILED: {failure}");
    }

    public string Table()
    {
        var text = new StringBuilder();
        // The floor (connections scenario) gets its own columns: the gateway against the least Kestrel can hold.
        var floor = _values.Any(v => v.Variant == "floor");
        var floorHeader = floor ? " floor | ratio to floor | runs (floor) |" : string.Empty;
        text.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} ({string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}"))}) | {first} | {second} | ratio | runs ({first}; {second}) |{floorHeader}");
        text.AppendLine(floor ? "|---|---:|---:|---:|---|---:|---:|---|" : "|---|---:|---:|---:|---|");
        foreach (var metric in _values.Select(v => (v.Metric, v.Unit)).Distinct())
        {
            var ours = Runs(metric.Metric, first);
            var theirs = Runs(metric.Metric, second);
            var (a, s) = (Median.Of(ours), Median.Of(theirs));
            var ratio = double.IsNaN(a) || double.IsNaN(s) || s == 0 ? "–" : FormattableString.Invariant($"{a / s:0.00}×");
            var floorCells = string.Empty;
            if (floor)
            {
                var floors = Runs(metric.Metric, "floor");
                var f = Median.Of(floors);
                var toFloor = double.IsNaN(a) || double.IsNaN(f) || f == 0 ? "–" : FormattableString.Invariant($"{a / f:0.00}×");
                floorCells = $" {Format(f)} | {toFloor} | {string.Join(" ", floors.Select(Format))} |";
            }

            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {metric.Metric} ({metric.Unit}) | {Format(a)} | {Format(s)} | {ratio} | {string.Join(" ", ours.Select(Format))}; {string.Join(" ", theirs.Select(Format))} |{floorCells}");
        }

        return text.ToString();
    }

    public async Task WriteAsync(string? file)
    {
        Console.WriteLine();
        Console.WriteLine(Table());
        if (file is null)
        {
            return;
        }

        var document = new
        {
            scenario,
            parameters,
            date = DateTimeOffset.UtcNow,
            failures = _failures,
            values = _values.Select(v => new { v.Metric, v.Unit, v.Variant, v.Run, v.Value }),
            table = Table(),
        };
        // A figure with nothing to divide by is NaN ("CPU per heartbeat" without a heartbeat): written as "NaN",
        // which plain JSON numbers cannot be, instead of losing the whole file to an exception.
        var options = new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(document, options));
    }

    private List<double> Runs(string metric, string variant) =>
        _values.Where(v => v.Metric == metric && v.Variant == variant).OrderBy(v => v.Run).Select(v => v.Value).ToList();

    private static string Format(double value) =>
        double.IsNaN(value) ? "–"
        : Math.Abs(value) >= 100 ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00#", CultureInfo.InvariantCulture);
}
