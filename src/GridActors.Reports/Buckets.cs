namespace GridActors.Reports;

/// <summary>Fixed time buckets over [0, horizon] hours: at most <see cref="MaxPoints"/> of them, never narrower than
/// the data's own interval, so every chart series has at most that many points whatever the run's length.</summary>
internal sealed class TimeGrid
{
    public const int MaxPoints = 300;

    public int Count { get; }
    public double Width { get; }

    public TimeGrid(double horizonHours, double intervalHours)
    {
        if (!(horizonHours > 0)) horizonHours = 1;
        if (!(intervalHours > 0)) intervalHours = horizonHours / MaxPoints;
        Count = (int)Math.Clamp(Math.Ceiling(horizonHours / intervalHours - 1e-6), 1, MaxPoints);
        Width = horizonHours / Count;
    }

    /// <summary>The bucket of a sample at t hours. Samples stamped at the end of an interval (t = k·width) belong
    /// to the interval that ends there, hence the small shift.</summary>
    public int Index(double t) => (int)Math.Clamp(Math.Floor((t - Width * 1e-3) / Width), 0, Count - 1);
}

/// <summary>Per-bucket mean of one entity's values; x is the mean sample time in the bucket.</summary>
internal sealed class MeanSeries(TimeGrid grid)
{
    private readonly double[] _sum = new double[grid.Count];
    private readonly double[] _t = new double[grid.Count];
    private readonly int[] _n = new int[grid.Count];

    public void Add(double t, double v)
    {
        if (double.IsNaN(v) || double.IsNaN(t)) return;
        var b = grid.Index(t);
        _sum[b] += v;
        _t[b] += t;
        _n[b]++;
    }

    /// <summary>The bucket means, each multiplied by <paramref name="scale"/>.</summary>
    public Series ToSeries(string name, double scale = 1)
    {
        var pts = new List<(double, double)>();
        for (var b = 0; b < _n.Length; b++)
            if (_n[b] > 0) pts.Add((_t[b] / _n[b], _sum[b] * scale / _n[b]));
        return new Series(name, pts);
    }
}

/// <summary>Per-bucket sum over a group of entities (e.g. all solar plants): the sum of the entities' bucket means,
/// computed as the mean over all rows × entities so memory does not grow with the number of entities.</summary>
internal sealed class GroupSumSeries(TimeGrid grid)
{
    private readonly MeanSeries _mean = new(grid);
    private readonly HashSet<string> _entities = new(StringComparer.Ordinal);

    public void Add(string entity, double t, double v)
    {
        if (double.IsNaN(v) || double.IsNaN(t)) return;
        _entities.Add(entity);
        _mean.Add(t, v);
    }

    public Series ToSeries(string name) => _mean.ToSeries(name, Math.Max(1, _entities.Count));
}

/// <summary>Per-bucket ratio of two sums (e.g. SLO violations / arrivals), or a weighted mean.</summary>
internal sealed class RatioSeries(TimeGrid grid)
{
    private readonly double[] _num = new double[grid.Count];
    private readonly double[] _den = new double[grid.Count];
    private readonly double[] _t = new double[grid.Count];
    private readonly int[] _n = new int[grid.Count];

    public void Add(double t, double numerator, double denominator)
    {
        if (double.IsNaN(t) || double.IsNaN(numerator) || double.IsNaN(denominator)) return;
        var b = grid.Index(t);
        _num[b] += numerator;
        _den[b] += denominator;
        _t[b] += t;
        _n[b]++;
    }

    public Series ToSeries(string name)
    {
        var pts = new List<(double, double)>();
        for (var b = 0; b < _n.Length; b++)
            if (_n[b] > 0 && _den[b] > 0) pts.Add((_t[b] / _n[b], _num[b] / _den[b]));
        return new Series(name, pts);
    }
}
