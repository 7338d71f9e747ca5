using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// The prices (USD/MWh) a region reported to an entity over the last day, one per dispatch interval (a ring buffer),
/// for entities that bid against them: a storage offers to discharge at the median, a reservoir at the quantile that
/// matches the water it has left. Deterministic: quantiles sort a copy of the values.
/// </summary>
public sealed class PriceHistory(int capacity)
{
    private readonly double[] _ring = new double[Math.Max(1, capacity)];
    private int _count, _next;

    /// <summary>The number of dispatch intervals in a day (at least 1): the length of a day's history.</summary>
    public static int IntervalsPerDay(long intervalMicros) => (int)Math.Max(1, 24 * SimTime.MicrosPerHour / intervalMicros);

    /// <summary>How many prices are held (at most a day's).</summary>
    public int Count => _count;

    public void Add(double price)
    {
        _ring[_next] = price;
        _next = (_next + 1) % _ring.Length;
        if (_count < _ring.Length) _count++;
    }

    /// <summary>Whether a whole day of prices is held (the oldest is from this time yesterday).</summary>
    public bool Full => _count == _ring.Length;

    /// <summary>The <paramref name="q"/>-quantile (0 = lowest, 1 = highest) of the prices held — of the
    /// <paramref name="oldest"/> oldest only, if given — interpolating linearly between neighbouring values; NaN when none
    /// is held.</summary>
    public double Quantile(double q, int? oldest = null)
    {
        int n = Math.Clamp(oldest ?? _count, 1, Math.Max(1, _count));
        if (_count == 0) return double.NaN;
        var sorted = new double[n];
        for (int i = 0; i < n; i++) sorted[i] = _ring[(_next - _count + i + _ring.Length) % _ring.Length];
        Array.Sort(sorted);
        double x = Math.Clamp(q, 0, 1) * (n - 1);
        int lo = (int)Math.Floor(x), hi = Math.Min(lo + 1, n - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
    }

    /// <summary>Writes the prices held, oldest first.</summary>
    public void Save(BinaryWriter w)
    {
        w.Write(_count);
        for (int i = 0; i < _count; i++) w.Write(_ring[(_next - _count + i + _ring.Length) % _ring.Length]);
    }

    public void Load(BinaryReader r)
    {
        _count = 0;
        _next = 0;
        for (int n = r.ReadInt32(); n > 0; n--) Add(r.ReadDouble());
    }
}
