using System.Globalization;

namespace AspireAgent.LoadTool.Servers;

/// <summary>One scrape of a Prometheus text endpoint: enough parsing for sums and histogram quantiles.</summary>
internal sealed class PrometheusScrape
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    public static PrometheusScrape Parse(string text)
    {
        var scrape = new PrometheusScrape();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            var name = brace >= 0 && brace < space ? line[..brace] : line[..line.IndexOf(' ')];
            var labels = brace >= 0 && brace < space ? line[(brace + 1)..line.LastIndexOf('}')] : "";
            var valueText = line[(line.IndexOf(' ', brace >= 0 ? line.LastIndexOf('}') : 0) + 1)..].Split(' ')[0];
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                scrape._samples.Add((name, labels, value));
            }
        }

        return scrape;
    }

    /// <summary>The sum of every series of <paramref name="name"/> whose labels contain <paramref name="labelFilter"/>.</summary>
    public double Sum(string name, string labelFilter = "") =>
        _samples.Where(s => s.Name == name && s.Labels.Contains(labelFilter, StringComparison.Ordinal)).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    /// <summary>Cumulative bucket counts by upper bound, summed over every other label.</summary>
    public SortedDictionary<double, double> Buckets(string histogram)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var (name, labels, value) in _samples.Where(s => s.Name == histogram + "_bucket"))
        {
            var le = labels.Split(',').Select(l => l.Trim()).First(l => l.StartsWith("le=", StringComparison.Ordinal))[4..^1];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + value;
        }

        return buckets;
    }
}
