namespace AspireAgent.Web.Ops.InProcess;

/// <summary>The last <see cref="Capacity"/> items, oldest dropped first. Thread-safe: one writer, many readers.</summary>
public sealed class RingBuffer<T>(int capacity)
{
    private readonly T[] _items = capacity > 0 ? new T[capacity] : throw new ArgumentOutOfRangeException(nameof(capacity));
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public int Capacity => _items.Length;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Add(T item)
    {
        lock (_gate)
        {
            _items[_next] = item;
            _next = (_next + 1) % _items.Length;
            _count = Math.Min(_count + 1, _items.Length);
        }
    }

    /// <summary>A copy of the items, oldest first.</summary>
    public T[] ToArray()
    {
        lock (_gate)
        {
            var copy = new T[_count];
            var start = (_next - _count + _items.Length) % _items.Length;
            for (var i = 0; i < _count; i++)
            {
                copy[i] = _items[(start + i) % _items.Length];
            }

            return copy;
        }
    }
}
