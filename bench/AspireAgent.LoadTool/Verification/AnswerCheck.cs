using System.Text;

namespace AspireAgent.LoadTool.Verification;

/// <summary>
/// The correctness check of one streamed answer: chunks arrive with seq 0, 1, 2 … (a gap, a repeat or a reorder
/// fails), and the concatenated deltas equal both what the server says it sent and what the simulated model
/// produces for this prompt. A fast wrong answer must never count as a result.
/// </summary>
internal sealed class AnswerCheck(string expectedText)
{
    private readonly StringBuilder _text = new();
    private long _nextSeq;

    public long Chunks => _nextSeq;

    /// <summary>The text since the last reset.</summary>
    public string Text => _text.ToString();

    public string? Failure { get; private set; }

    /// <summary>Another worker took the answer over (<c>reset</c>): the text so far is dropped, seqs keep counting.</summary>
    public void Reset() => _text.Clear();

    public void Chunk(long seq, string delta)
    {
        if (Failure is not null)
        {
            return;
        }

        if (seq != _nextSeq)
        {
            Failure = seq < _nextSeq ? $"duplicate or reordered seq {seq} after {_nextSeq - 1}" : $"gap: seq {seq} where {_nextSeq} was due";
            return;
        }

        _nextSeq++;
        _text.Append(delta);
    }

    /// <param name="fullContent">What the server's end message claims (null where the protocol has no such message).</param>
    /// <param name="chunkCount">The server's chunk count (null where the protocol has none).</param>
    public string? Complete(string? fullContent, long? chunkCount)
    {
        if (Failure is not null)
        {
            return Failure;
        }

        var text = _text.ToString();
        if (chunkCount is { } count && count != _nextSeq)
        {
            return Failure = $"end says {count} chunks, {_nextSeq} arrived";
        }

        if (fullContent is not null && fullContent != text)
        {
            return Failure = $"deltas ({text.Length} chars) differ from fullContent ({fullContent.Length} chars)";
        }

        if (text != expectedText)
        {
            return Failure = $"text ({text.Length} chars) differs from the simulated model's ({expectedText.Length} chars)";
        }

        return null;
    }
}
