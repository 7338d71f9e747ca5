namespace GridActors.Kernel;

/// <summary>
/// A binary min-heap of item indices 0..n-1 keyed by a <c>long</c>, with O(log n) key updates.
/// Ties are broken by the index so the pop order is deterministic.
/// </summary>
public sealed class IndexedMinHeap
{
    private readonly int[] _heap;
    private readonly int[] _pos;
    private readonly long[] _key;
    private int _count;

    public IndexedMinHeap(int n)
    {
        _heap = new int[n];
        _pos = new int[n];
        _key = new long[n];
        Array.Fill(_pos, -1);
    }

    public int Count => _count;
    public bool Contains(int item) => _pos[item] >= 0;
    public long MinKey => _count == 0 ? long.MaxValue : _key[_heap[0]];
    public int MinItem => _heap[0];
    public long KeyOf(int item) => _key[item];

    /// <summary>Inserts, or moves an item to a new key; <see cref="long.MaxValue"/> removes it.</summary>
    public void Set(int item, long key)
    {
        if (key == long.MaxValue)
        {
            Remove(item);
            return;
        }
        int p = _pos[item];
        if (p < 0)
        {
            _key[item] = key;
            p = _count++;
            _heap[p] = item;
            _pos[item] = p;
            Up(p);
        }
        else
        {
            long old = _key[item];
            _key[item] = key;
            if (key < old) Up(p); else Down(p);
        }
    }

    public int Pop()
    {
        int item = _heap[0];
        Remove(item);
        return item;
    }

    public void Remove(int item)
    {
        int p = _pos[item];
        if (p < 0) return;
        _pos[item] = -1;
        int last = --_count;
        if (p != last)
        {
            int moved = _heap[last];
            _heap[p] = moved;
            _pos[moved] = p;
            Up(p);
            Down(_pos[moved]);
        }
    }

    private bool Less(int a, int b) => _key[a] < _key[b] || (_key[a] == _key[b] && a < b);

    private void Up(int p)
    {
        int item = _heap[p];
        while (p > 0)
        {
            int parent = (p - 1) >> 1;
            int pi = _heap[parent];
            if (!Less(item, pi)) break;
            _heap[p] = pi;
            _pos[pi] = p;
            p = parent;
        }
        _heap[p] = item;
        _pos[item] = p;
    }

    private void Down(int p)
    {
        int item = _heap[p];
        while (true)
        {
            int c = 2 * p + 1;
            if (c >= _count) break;
            if (c + 1 < _count && Less(_heap[c + 1], _heap[c])) c++;
            int ci = _heap[c];
            if (!Less(ci, item)) break;
            _heap[p] = ci;
            _pos[ci] = p;
            p = c;
        }
        _heap[p] = item;
        _pos[item] = p;
    }
}
