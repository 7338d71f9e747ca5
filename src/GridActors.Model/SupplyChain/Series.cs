namespace GridActors.Model.SupplyChain;

/// <summary>One row of a time series an entity records (one per dispatch interval, hour or event).</summary>
public interface ISample
{
    /// <summary>The row's values in the order of its type's <see cref="ISample{TSelf}.Columns"/>.</summary>
    double[] Values();
}

/// <summary>
/// A typed row: its column names (the run folder's CSV headers) are declared once, next to the record, in
/// the same order as <see cref="ISample.Values"/>; <see cref="FromValues"/> reads a row back.
/// </summary>
public interface ISample<TSelf> : ISample where TSelf : ISample<TSelf>
{
    static abstract IReadOnlyList<string> Columns { get; }

    static abstract TSelf FromValues(ReadOnlySpan<double> values);
}

/// <summary>A series seen without its row type (what a CSV writer needs).</summary>
public interface ISeries
{
    IReadOnlyList<string> Columns { get; }

    IEnumerable<ISample> Samples { get; }
}

/// <summary>
/// Rows an entity records over time, saved with its state. The saved layout is the row count, then per row
/// its length and its values (<see cref="ISample.Values"/>), so a row type changes nothing in the bytes.
/// </summary>
public sealed class Series<T> : ISeries where T : ISample<T>
{
    private readonly List<T> _rows = [];

    public IReadOnlyList<T> Rows => _rows;

    public IReadOnlyList<string> Columns => T.Columns;

    public IEnumerable<ISample> Samples => _rows.Select(r => (ISample)r);

    public void Add(T row) => _rows.Add(row);

    public void Save(BinaryWriter w)
    {
        w.Write(_rows.Count);
        foreach (var row in _rows)
        {
            var values = row.Values();
            w.Write(values.Length);
            foreach (var v in values) w.Write(v);
        }
    }

    public void Load(BinaryReader r)
    {
        _rows.Clear();
        int n = r.ReadInt32();
        Span<double> values = stackalloc double[T.Columns.Count];
        for (int i = 0; i < n; i++)
        {
            int length = r.ReadInt32();
            if (length != values.Length)
                throw new InvalidDataException($"a {typeof(T).Name} row has {values.Length} values, the saved row has {length}");
            for (int j = 0; j < length; j++) values[j] = r.ReadDouble();
            _rows.Add(T.FromValues(values));
        }
    }

    public static Series<T> Read(BinaryReader r)
    {
        var s = new Series<T>();
        s.Load(r);
        return s;
    }
}

/// <summary>Log-spaced histogram of latencies (ms), weighted by request counts; percentiles interpolate within a bin.</summary>
public sealed class LatencyHistogram
{
    public const double MinMs = 0.1;
    public const int BinsPerDecade = 50;
    public const int Decades = 7;
    private readonly double[] _counts = new double[BinsPerDecade * Decades + 1];

    public double Total { get; private set; }
    public double Sum { get; private set; }

    public void Add(double ms, double weight)
    {
        Total += weight;
        Sum += ms * weight;
        _counts[BinOf(ms)] += weight;
    }

    private static int BinOf(double ms)
    {
        if (ms <= MinMs) return 0;
        int b = (int)(Math.Log10(ms / MinMs) * BinsPerDecade) + 1;
        return Math.Min(b, BinsPerDecade * Decades);
    }

    private static double LowerEdge(int bin) => bin == 0 ? 0 : MinMs * Math.Pow(10, (bin - 1) / (double)BinsPerDecade);

    public double Percentile(double p)
    {
        if (Total <= 0) return 0;
        double target = p * Total, acc = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] <= 0) continue;
            if (acc + _counts[i] >= target)
            {
                double lo = LowerEdge(i), hi = LowerEdge(i + 1);
                return lo + (hi - lo) * ((target - acc) / _counts[i]);
            }
            acc += _counts[i];
        }
        return LowerEdge(_counts.Length);
    }

    public void Merge(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Total += other.Total;
        Sum += other.Sum;
    }

    public void Save(BinaryWriter w)
    {
        w.Write(Total); w.Write(Sum);
        int nonZero = _counts.Count(c => c != 0);
        w.Write(nonZero);
        for (int i = 0; i < _counts.Length; i++)
            if (_counts[i] != 0) { w.Write(i); w.Write(_counts[i]); }
    }

    public void Load(BinaryReader r)
    {
        Array.Clear(_counts);
        Total = r.ReadDouble(); Sum = r.ReadDouble();
        int n = r.ReadInt32();
        for (int k = 0; k < n; k++) { int i = r.ReadInt32(); _counts[i] = r.ReadDouble(); }
    }

    public static LatencyHistogram Read(BinaryReader r)
    {
        var h = new LatencyHistogram();
        h.Load(r);
        return h;
    }
}
