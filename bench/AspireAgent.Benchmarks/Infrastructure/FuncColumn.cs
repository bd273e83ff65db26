using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AspireAgent.Benchmarks.Infrastructure;

/// <summary>
/// A summary column computed from a benchmark case's parameters: sizes, frame counts and other facts that are
/// deterministic, so they are computed once beside the timings rather than measured inside them.
/// </summary>
/// <remarks>Shown only for benchmarks of <paramref name="owner"/>: another class's cases lack its parameters.</remarks>
public sealed class FuncColumn(Type owner, string name, string legend, Func<BenchmarkCase, string> value) : IColumn
{
    public string Id => "Func." + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.Type == owner ? value(benchmarkCase) : "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
