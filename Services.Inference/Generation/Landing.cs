using AspireAgent.Bus;

namespace AspireAgent.Inference.Generation;

/// <summary>
/// How a write whose outcome was lost shows in the stream's state once the producer's handle is renewed: a value,
/// not a closure, because the writer asks it of every chunk it writes.
/// </summary>
internal readonly record struct Landing
{
    private enum Kind
    {
        Unknowable,
        Started,
        Through,
        Ended,
    }

    private readonly Kind _kind;
    private readonly long _seq;

    private Landing(Kind kind, long seq)
    {
        _kind = kind;
        _seq = seq;
    }

    /// <summary>A write the state cannot show (a reset): it is written again, which readers tolerate.</summary>
    public static Landing Unknowable => new(Kind.Unknowable, 0);

    /// <summary><c>assistant.start</c>: the stream has started.</summary>
    public static Landing Started => new(Kind.Started, 0);

    /// <summary><c>assistant.end</c>: the stream has ended.</summary>
    public static Landing Ended => new(Kind.Ended, 0);

    /// <summary>Chunks up to <paramref name="seq"/>: a batch lands whole or not at all, so its last seq tells.</summary>
    public static Landing Through(long seq) => new(Kind.Through, seq);

    /// <summary>Whether the write is in the stream whose state is <paramref name="state"/>.</summary>
    public bool In(StreamProducer state) => _kind switch
    {
        Kind.Started => state.Started,
        Kind.Through => state.NextSeq > _seq,
        Kind.Ended => state.End is not null,
        _ => false,
    };
}
