using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios;

/// <summary>Mean and percentiles of one length column of a trace, in tokens.</summary>
public sealed record LengthStats(double Mean, double Median, double P90, double P99)
{
    /// <summary>
    /// The statistics of <paramref name="values"/>. Percentiles interpolate linearly between the two nearest ranks
    /// (Hyndman–Fan type 7, numpy's and Excel's PERCENTILE default): p-th = x[h] with h = (n − 1)·p/100 read between
    /// neighbours.
    /// </summary>
    public static LengthStats Of(IReadOnlyList<int> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double sum = 0;
        foreach (var v in sorted) sum += v;
        return new LengthStats(sum / sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99));
    }

    /// <summary>The <paramref name="p"/>-th percentile of <paramref name="sorted"/> (ascending), type 7.</summary>
    public static double Percentile(IReadOnlyList<int> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("no values", nameof(sorted));
        double h = (sorted.Count - 1) * p / 100;
        int lo = (int)Math.Floor(h);
        if (lo >= sorted.Count - 1) return sorted[^1];
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - (double)sorted[lo]);
    }
}

/// <summary>
/// Summary of a trace: <paramref name="Count"/> rows over <paramref name="DurationSeconds"/> (last offset − first), at
/// <paramref name="MeanRatePerSecond"/> = (Count − 1) / duration (the rows bound Count − 1 gaps; 0 when the trace spans no
/// time), and the statistics of both length columns.
/// </summary>
public sealed record TraceStats(int Count, double DurationSeconds, double MeanRatePerSecond, LengthStats Context, LengthStats Generated)
{
    public static TraceStats Of(IReadOnlyList<TraceRow> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("an empty trace has no statistics", nameof(rows));
        double duration = rows[^1].OffsetSeconds - rows[0].OffsetSeconds;
        return new TraceStats(rows.Count, duration, duration > 0 ? (rows.Count - 1) / duration : 0,
            LengthStats.Of([.. rows.Select(r => r.ContextTokens)]), LengthStats.Of([.. rows.Select(r => r.GeneratedTokens)]));
    }
}

/// <summary>
/// A request-length trace in memory: its rows in file order (timestamp order; the first at offset 0) and their
/// statistics. Built by <see cref="TraceFile.Parse"/> or <see cref="TraceSynth"/>; two traces are equal when their rows
/// are. <see cref="TraceSampler"/> and <see cref="TraceReplay"/> (in the model) read <see cref="Rows"/>.
/// </summary>
public sealed record Trace
{
    private readonly TraceRow[] _rows;

    /// <summary>A trace of <paramref name="rows"/> (copied). Throws <see cref="ArgumentException"/> unless there is at
    /// least one row, the first is at offset 0, offsets are finite and never decrease, and no length is negative.</summary>
    public Trace(IReadOnlyList<TraceRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("a trace needs at least one row", nameof(rows));
        _rows = [.. rows];
        if (_rows[0].OffsetSeconds != 0) throw new ArgumentException($"the first row must be at offset 0, got {_rows[0].OffsetSeconds}", nameof(rows));
        for (int i = 0; i < _rows.Length; i++)
        {
            var r = _rows[i];
            if (!double.IsFinite(r.OffsetSeconds)) throw new ArgumentException($"row {i}: offset {r.OffsetSeconds} is not a finite number", nameof(rows));
            if (i > 0 && r.OffsetSeconds < _rows[i - 1].OffsetSeconds)
                throw new ArgumentException($"row {i}: offset {r.OffsetSeconds} s is before row {i - 1}'s {_rows[i - 1].OffsetSeconds} s", nameof(rows));
            if (r.ContextTokens < 0 || r.GeneratedTokens < 0)
                throw new ArgumentException($"row {i}: token counts must not be negative, got ({r.ContextTokens}, {r.GeneratedTokens})", nameof(rows));
        }
        Stats = TraceStats.Of(_rows);
    }

    public IReadOnlyList<TraceRow> Rows => _rows;

    public TraceStats Stats { get; }

    /// <summary>Last offset − first, in seconds.</summary>
    public double DurationSeconds => Stats.DurationSeconds;

    /// <summary>How far <see cref="TraceReplay"/> shifts each repetition: the duration plus one mean gap (0 when the trace
    /// cannot be replayed: one row, or no duration).</summary>
    public double ReplayPeriodSeconds => TraceReplay.PeriodOf(_rows);

    /// <summary>A resampler over these rows (resample mode).</summary>
    public TraceSampler Sampler() => new(_rows);

    public bool Equals(Trace? other) => other is not null && _rows.AsSpan().SequenceEqual(other._rows);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(_rows.Length);
        foreach (var r in _rows) h.Add(r);
        return h.ToHashCode();
    }
}
