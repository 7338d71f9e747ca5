namespace GridActors.Kernel.Protocol;

/// <summary>
/// Decides, window by window, whether the coordinator opens a plain window or a <em>lease</em> of many, in which
/// cluster nodes go on by themselves on each other's promises (one network hop per step instead of two through the
/// coordinator). A run that proves dense — <see cref="DenseWindows"/> windows in a row whose earliest event follows
/// right on the previous end — gets leases; they grow while they take under 100 ms of wall time and shrink beyond
/// 400 ms, so progress, checkpoints and injections stay responsive. Leasing stops when the nodes mostly waited on
/// promises (sparse events, where windows jump over empty time), or when <see cref="VerdictMs"/> of leases advanced
/// simulated time slower than the windows before them did; windows then run at least that long, twice as long after
/// each such verdict, before the next try. Wall time steers only how the run is cut, never its result.
/// </summary>
public sealed class LeasePolicy(long lookahead)
{
    public const int DenseWindows = 8;
    public const double VerdictMs = 200;

    private bool _leasing;
    private long _length;
    private int _dense;               // windows in a row whose earliest event followed right on the previous end
    private long _stretchFrom = -1;   // simulated start of the current stretch of plain windows
    private double _stretchMs;        // its wall time
    private double _windowPace;       // simulated µs per wall ms of the last stretch of windows
    private double _windowsBeforeMs;  // 0 for the first try
    private long _leaseSim;
    private double _leaseMs;

    /// <summary>End of the window opening at <paramref name="min"/> whose plain horizon is <paramref name="horizon"/>
    /// (the caller still caps it at the run's end and the next checkpoint).</summary>
    public long End(long min, long horizon) => _leasing ? min + Math.Max(_length, lookahead) : horizon;

    /// <summary>The window [<paramref name="opened"/>, <paramref name="end"/>) took <paramref name="wallMs"/>; the busiest node ran
    /// <paramref name="steps"/> sub-windows; the earliest pending event is now at <paramref name="min"/>.</summary>
    public void Done(long opened, long end, long min, int steps, double wallMs)
    {
        if (!_leasing)
        {
            if (_stretchFrom < 0) _stretchFrom = opened;
            _stretchMs += wallMs;
            _dense = min - end < lookahead / 4 ? _dense + 1 : 0;
            if (_dense < DenseWindows || _stretchMs < _windowsBeforeMs) return;
            _windowPace = (min - _stretchFrom) / Math.Max(_stretchMs, 1e-3);
            _stretchFrom = -1;
            _stretchMs = 0;
            _leasing = true;
            _length = DenseWindows * lookahead;
            _leaseSim = 0;
            _leaseMs = 0;
            return;
        }
        _leaseSim += end - opened;
        _leaseMs += wallMs;
        bool sparse = end - opened > 2 * lookahead && steps < (double)(end - opened) / lookahead / 2;
        bool slower = _leaseMs >= VerdictMs && _leaseSim / _leaseMs < 0.9 * _windowPace;
        if (sparse || slower)
        {
            _leasing = false;
            _dense = 0;
            if (slower) _windowsBeforeMs = Math.Min(Math.Max(VerdictMs, _windowsBeforeMs * 2), 60_000);
            return;
        }
        if (_leaseMs >= VerdictMs)
        {
            _leaseSim = 0; // compare the next stretch of leases afresh
            _leaseMs = 0;
        }
        if (wallMs < 100 && _length < long.MaxValue / 4) _length *= 2;
        else if (wallMs > 400) _length = Math.Max(2 * lookahead, _length / 2);
    }
}
