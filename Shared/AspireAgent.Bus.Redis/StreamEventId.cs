using System.Globalization;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// The Redis stream entry id of an event, chosen so that a position in the answer is a position in the log:
/// chunk <c>seq</c> is <c>{seq+1}-0</c>, and any other event after <c>n</c> chunks is <c>{n}-{k}</c>, k counting
/// from 1 (<c>assistant.start</c> is <c>0-1</c>). "After chunk s" is then the range <c>({s+1}-0, +]</c>, and a
/// reader knows from two ids alone whether anything came between them.
/// </summary>
internal readonly record struct StreamEventId(long Major, long Minor) : IComparable<StreamEventId>
{
    /// <summary>Before everything: <c>assistant.start</c> follows it.</summary>
    public static StreamEventId Beginning { get; } = new(0, 0);

    public static StreamEventId AfterChunk(long seq) => new(seq + 1, 0);

    public static StreamEventId From(StreamPosition position) =>
        position.IsBeginning ? Beginning : AfterChunk(position.AfterSeq);

    /// <summary>Whether this event comes right after <paramref name="previous"/>, with nothing missed between.</summary>
    public bool Follows(StreamEventId previous) =>
        this == new StreamEventId(previous.Major + 1, 0) || this == previous with { Minor = previous.Minor + 1 };

    public int CompareTo(StreamEventId other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <=(StreamEventId left, StreamEventId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StreamEventId left, StreamEventId right) => left.CompareTo(right) >= 0;

    public static bool operator <(StreamEventId left, StreamEventId right) => left.CompareTo(right) < 0;

    public static bool operator >(StreamEventId left, StreamEventId right) => left.CompareTo(right) > 0;

    public static bool TryParse(ReadOnlySpan<char> text, out StreamEventId id)
    {
        id = default;
        var dash = text.IndexOf('-');
        if (dash <= 0
            || !long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !long.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        id = new StreamEventId(major, minor);
        return true;
    }

    public static StreamEventId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a stream event id.");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}-{Minor}");
}
