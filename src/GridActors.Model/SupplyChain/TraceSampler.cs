using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// One request of a request-length trace: when it arrived, in seconds after the trace's first row, and its prompt
/// (<paramref name="ContextTokens"/>) and output (<paramref name="GeneratedTokens"/>) lengths. The layout is the Azure LLM
/// inference trace's (<c>TIMESTAMP,ContextTokens,GeneratedTokens</c>); the file format lives in GridActors.Scenarios.
/// </summary>
public readonly record struct TraceRow(double OffsetSeconds, int ContextTokens, int GeneratedTokens);

/// <summary>
/// Resample mode: draws (prompt, output) length pairs uniformly, with replacement, from a trace's rows, so a user region
/// can send requests at its own scenario rate with the trace's joint length distribution (the pair is drawn together, so
/// any correlation between prompt and output lengths in the trace is kept). Deterministic: the draws depend only on the
/// rows and the <see cref="Rng"/> stream (one <see cref="Rng.NextInt"/> per draw), so an entity's stream gives the same
/// requests on every executor. The rows are copied once; a sampler is immutable and can be shared between entities.
/// </summary>
public sealed class TraceSampler
{
    private readonly TraceRow[] _rows;

    public TraceSampler(IReadOnlyList<TraceRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("a trace to sample needs at least one row", nameof(rows));
        _rows = [.. rows];
        foreach (var r in _rows)
            if (r.ContextTokens < 0 || r.GeneratedTokens < 0)
                throw new ArgumentException($"token counts must not be negative, got ({r.ContextTokens}, {r.GeneratedTokens})", nameof(rows));
    }

    /// <summary>Rows the sampler draws from.</summary>
    public int Count => _rows.Length;

    /// <summary>The lengths of one row chosen uniformly at random from <paramref name="rng"/>.</summary>
    public (int ContextTokens, int GeneratedTokens) Draw(Rng rng)
    {
        var row = _rows[rng.NextInt(_rows.Length)];
        return (row.ContextTokens, row.GeneratedTokens);
    }

    /// <summary>A replay cursor over the same rows, at <paramref name="position"/> rows from the start.</summary>
    public TraceReplay Replay(long position = 0) => new(_rows, position, shared: true);
}

/// <summary>
/// Replay mode: yields a trace's rows in timestamp order with their offsets; when the rows run out it starts again
/// from the first, every offset shifted by one more <see cref="PeriodSeconds"/>, so a run may be longer than the trace.
/// <para>
/// The period is the trace's duration (last offset − first) plus one mean gap between rows, duration × n / (n − 1): the
/// first row of the next cycle then follows the last row by a typical gap instead of landing on it, and the replayed
/// rate is exactly the trace's mean rate (n − 1) / duration. A trace of one row, or whose rows all share one timestamp,
/// has no period and cannot be replayed (resample it instead).
/// </para>
/// <para>
/// The cursor's whole state is <see cref="Position"/> (rows yielded so far): an entity snapshots that number and
/// rebuilds the cursor with it on recovery. Offsets are seconds as <c>double</c>, computed the same way on every machine
/// (offset + cycle × period); the caller converts them to <see cref="SimTime"/>.
/// </para>
/// </summary>
public sealed class TraceReplay
{
    private readonly TraceRow[] _rows;

    /// <summary>A cursor over a copy of <paramref name="rows"/> (in timestamp order, the first at offset 0), at
    /// <paramref name="position"/> rows from the start.</summary>
    public TraceReplay(IReadOnlyList<TraceRow> rows, long position = 0)
        : this((rows ?? throw new ArgumentNullException(nameof(rows))).ToArray(), position, shared: false)
    {
    }

    /// <summary>Over <paramref name="rows"/> themselves (a sampler's private copy), not a copy of them.</summary>
    internal TraceReplay(TraceRow[] rows, long position, bool shared)
    {
        _ = shared;
        if (position < 0) throw new ArgumentOutOfRangeException(nameof(position), "the position must not be negative");
        _rows = rows;
        PeriodSeconds = PeriodOf(_rows);
        if (!(PeriodSeconds > 0))
            throw new ArgumentException(_rows.Length < 2
                ? "a trace to replay needs at least two rows (one row has no period to repeat over)"
                : "a trace to replay needs rows at two different times (its duration is 0)", nameof(rows));
        if (_rows[0].OffsetSeconds != 0) throw new ArgumentException($"a trace's first row must be at offset 0, got {_rows[0].OffsetSeconds}", nameof(rows));
        for (int i = 1; i < _rows.Length; i++)
            if (_rows[i].OffsetSeconds < _rows[i - 1].OffsetSeconds)
                throw new ArgumentException($"a trace's rows must be in timestamp order; row {i} ({_rows[i].OffsetSeconds} s) is before row {i - 1} ({_rows[i - 1].OffsetSeconds} s)", nameof(rows));
        Position = position;
    }

    /// <summary>
    /// How far each cycle is shifted from the previous one: duration × n / (n − 1), i.e. the duration plus one mean gap;
    /// 0 when the trace has fewer than two rows or spans no time.
    /// </summary>
    public static double PeriodOf(IReadOnlyList<TraceRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 2) return 0;
        double duration = rows[^1].OffsetSeconds - rows[0].OffsetSeconds;
        return duration <= 0 ? 0 : duration * rows.Count / (rows.Count - 1);
    }

    public double PeriodSeconds { get; }

    /// <summary>Rows yielded so far (over all cycles): the cursor's state.</summary>
    public long Position { get; private set; }

    /// <summary>The cycle the next row belongs to (0 for the trace's own times).</summary>
    public long Cycle => Position / _rows.Length;

    /// <summary>The next row without moving the cursor.</summary>
    public TraceRow Peek()
    {
        var row = _rows[Position % _rows.Length];
        long cycle = Position / _rows.Length;
        return cycle == 0 ? row : row with { OffsetSeconds = row.OffsetSeconds + cycle * PeriodSeconds };
    }

    /// <summary>The next row, its offset shifted by <see cref="Cycle"/> periods, and moves the cursor on.</summary>
    public TraceRow Next()
    {
        var row = Peek();
        Position++;
        return row;
    }
}
