using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AspireAgent.Protocol;

/// <summary>
/// A decoded <see cref="ControlMessage.Payload"/>: its pairs in one array, looked up in order.
/// </summary>
/// <remarks>
/// Every heartbeat's pong and every acknowledgement carries one or two pairs; a
/// <see cref="Dictionary{TKey, TValue}"/> for them costs three objects (the dictionary, its buckets and its
/// entries, ~210 bytes for one pair), this one array and a header (~64 bytes). A payload larger than
/// <see cref="MaxPairs"/> is decoded into a dictionary instead (<see cref="Builder.Build"/>), so a hostile client
/// cannot make lookups linear in a frame's worth of keys.
/// </remarks>
public sealed class ControlPayload : IReadOnlyDictionary<string, string>
{
    /// <summary>The most pairs kept in an array; more go into a dictionary.</summary>
    public const int MaxPairs = 8;

    // Keys at even indexes, each followed by its value; only the first _length are the payload's.
    private readonly string[] _pairs;
    private readonly int _length;

    private ControlPayload(string[] pairs, int length) => (_pairs, _length) = (pairs, length);

    public int Count => _length / 2;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => this.Select(pair => pair.Key);

    public IEnumerable<string> Values => this.Select(pair => pair.Value);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _pairs[index + 1] : null;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _length; i += 2)
        {
            yield return new(_pairs[i], _pairs[i + 1]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < _length; i += 2)
        {
            if (string.Equals(_pairs[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Collects a payload's pairs as a decoder reads them; a repeated key keeps its last value, as a dictionary
    /// would. <paramref name="expectedPairs"/> sizes the array when the encoding states the count (0 when not).
    /// </summary>
    public struct Builder(int expectedPairs)
    {
        private string[]? _pairs;
        private Dictionary<string, string>? _large;
        private int _length;

        public void Add(string key, string value)
        {
            if (_large is null && expectedPairs > MaxPairs)
            {
                _large = new(expectedPairs, StringComparer.Ordinal);
            }

            if (_large is not null)
            {
                _large[key] = value;
                return;
            }

            for (var i = 0; i < _length; i += 2)
            {
                if (string.Equals(_pairs![i], key, StringComparison.Ordinal))
                {
                    _pairs[i + 1] = value;
                    return;
                }
            }

            if (_length == MaxPairs * 2)
            {
                _large = new(MaxPairs * 2, StringComparer.Ordinal);
                for (var i = 0; i < _length; i += 2)
                {
                    _large[_pairs![i]] = _pairs[i + 1];
                }

                _large[key] = value;
                return;
            }

            if (_pairs is null || _length == _pairs.Length)
            {
                // The stated count first, then doubling (the length in strings is twice the pairs held), up to MaxPairs.
                var capacity = _pairs is null ? Math.Clamp(expectedPairs, 1, MaxPairs) : Math.Min(_pairs.Length, MaxPairs);
                Array.Resize(ref _pairs, capacity * 2);
            }

            _pairs[_length++] = key;
            _pairs[_length++] = value;
        }

        /// <summary>No pair added yet.</summary>
        public readonly bool IsEmpty => _length == 0 && _large is null;

        /// <summary>The payload (empty when the frame carried an empty map).</summary>
        public readonly IReadOnlyDictionary<string, string> Build() =>
            _large ?? (IReadOnlyDictionary<string, string>)new ControlPayload(_pairs ?? [], _length);
    }
}
