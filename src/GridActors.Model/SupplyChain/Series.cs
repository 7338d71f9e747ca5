namespace GridActors.Model.SupplyChain;

/// <summary>Rows of numbers an entity records over time (one row per interval or event), saved with its state.</summary>
public sealed class Series
{
    private readonly List<double[]> _rows = [];

    public IReadOnlyList<double[]> Rows => _rows;

    public void Add(params double[] row) => _rows.Add(row);

    public void Save(BinaryWriter w)
    {
        w.Write(_rows.Count);
        foreach (var row in _rows)
        {
            w.Write(row.Length);
            foreach (var v in row) w.Write(v);
        }
    }

    public void Load(BinaryReader r)
    {
        _rows.Clear();
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++)
        {
            var row = new double[r.ReadInt32()];
            for (int j = 0; j < row.Length; j++) row[j] = r.ReadDouble();
            _rows.Add(row);
        }
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
}
