using System.Text;

namespace AspireAgent.Web.Client.Markdown;

/// <summary>
/// Markdown rendered while it streams, at a cost that does not grow with the answer: text up to the last
/// blank line outside a code fence is made of finished blocks, rendered once and kept; only the unfinished
/// tail is rendered again on each chunk. The price: blocks are parsed apart, so a loose list split at a blank
/// line renders as two lists that look the same, and a reference-style link whose definition comes in a later
/// block stays text.
/// </summary>
public sealed class StreamingMarkdown
{
    private readonly List<string> _finished = [];
    private readonly StringBuilder _tail = new();
    private int _scanned;
    private bool _inFence;
    private int _lineStart;
    private string? _tailHtml;

    /// <summary>The HTML of each finished block group, oldest first; never changes once added.</summary>
    public IReadOnlyList<string> Finished => _finished;

    /// <summary>The HTML of the unfinished tail, rendered on demand and cached until more text arrives.</summary>
    public string TailHtml => _tailHtml ??= _tail.Length == 0 ? string.Empty : SafeMarkdown.ToHtml(_tail.ToString());

    public void Append(string delta)
    {
        _tail.Append(delta);
        _tailHtml = null;
        var cut = ScanForBoundary();
        if (cut > 0)
        {
            _finished.Add(SafeMarkdown.ToHtml(_tail.ToString(0, cut)));
            _tail.Remove(0, cut);
            _scanned -= cut;
            _lineStart -= cut;
        }
    }

    public void Clear()
    {
        _finished.Clear();
        _tail.Clear();
        (_scanned, _inFence, _lineStart, _tailHtml) = (0, false, 0, null);
    }

    /// <summary>
    /// Scans the new text line by line (each character once over the whole answer) and returns the end of
    /// the last blank line outside a fence, or 0 when the tail has none.
    /// </summary>
    private int ScanForBoundary()
    {
        var cut = 0;
        for (; _scanned < _tail.Length; _scanned++)
        {
            if (_tail[_scanned] != '\n')
            {
                continue;
            }

            var line = _tail.ToString(_lineStart, _scanned - _lineStart).Trim();
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal))
            {
                _inFence = !_inFence;
            }
            else if (line.Length == 0 && !_inFence && _lineStart > 0)
            {
                cut = _scanned + 1;
            }

            _lineStart = _scanned + 1;
        }

        return cut;
    }
}
