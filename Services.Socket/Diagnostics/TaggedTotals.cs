using System.Diagnostics.Metrics;

namespace AspireAgent.Socket.Diagnostics;

/// <summary>
/// Running totals for a fixed set of tag combinations, kept in plain fields and reported by an observable counter
/// when the meter is collected. A tagged <see cref="Counter{T}"/> hashes its tags and looks up its point on every
/// add, and runs every in-process listener on the caller's thread: about a microsecond per frame on the writer's
/// path, for totals read once per scrape.
/// </summary>
internal sealed class TaggedTotals
{
    private readonly long[] _totals;
    private readonly KeyValuePair<string, object?>[][] _tags;

    /// <param name="cells">The tags of each total; a total is addressed by its index here.</param>
    public TaggedTotals(IReadOnlyList<KeyValuePair<string, object?>[]> cells)
    {
        _tags = [.. cells];
        _totals = new long[_tags.Length];
    }

    public void Add(int cell, long amount) => Interlocked.Add(ref _totals[cell], amount);

    /// <summary>The totals so far; a combination never added to is not reported, as a counter never added to has no series.</summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        for (var cell = 0; cell < _totals.Length; cell++)
        {
            if (Volatile.Read(ref _totals[cell]) is var total and > 0)
            {
                yield return new Measurement<long>(total, _tags[cell]);
            }
        }
    }

    /// <summary>Every combination of two tags' values, in row order: the cell of (a, b) is <c>a * bValues.Count + b</c>.</summary>
    public static KeyValuePair<string, object?>[][] Grid(string aKey, IReadOnlyList<string> aValues, string bKey, IReadOnlyList<string> bValues) =>
        [.. aValues.SelectMany(a => bValues.Select(b => new KeyValuePair<string, object?>[] { new(aKey, a), new(bKey, b) }))];

    /// <summary>One tag's values, one cell each.</summary>
    public static KeyValuePair<string, object?>[][] Column(string key, IReadOnlyList<string> values) =>
        [.. values.Select(v => new KeyValuePair<string, object?>[] { new(key, v) })];
}
