namespace GridActors.Kernel.Protocol;

/// <summary>A fault injected into a run: events from outside the model (<see cref="SimEvent.ExternalSource"/>).
/// <paramref name="AfterCheckpoint"/> is the number of checkpoints begun before it was delivered: resuming from
/// checkpoint K re-delivers exactly the injections with <c>AfterCheckpoint ≥ K</c> (the others are in K's state).</summary>
public sealed record Injection(int Index, long AtMicros, SimEvent[] Events, int AfterCheckpoint, object? Tag);

/// <summary>An injection that could not take effect; the message says why.</summary>
public sealed class InjectionRejectedException(string message) : Exception(message);

/// <summary>
/// Where live fault injections enter a run. Any thread may <see cref="Submit"/>; the run coordinator takes
/// what was submitted at the next window boundary (<see cref="Drain"/>) — the only moment an event can join
/// a run without racing the nodes — checks that its time is still at or after the safe horizon, journals it
/// (the <c>onAccepted</c> callback; an exception there rejects it) and delivers it before the window opens.
/// </summary>
public sealed class InjectionGate
{
    private sealed record Request(long AtMicros, Func<int, SimEvent[]> Build, object? Tag, TaskCompletionSource<Injection> Outcome);

    private readonly object _lock = new();
    private readonly List<Request> _pending = [];
    private readonly List<Injection> _accepted;
    private readonly Action<Injection>? _onAccepted;
    private long _safe;
    private string? _closed;

    /// <param name="recorded">Injections of this run accepted earlier (resume, replay), in index order.</param>
    /// <param name="onAccepted">Journals an accepted injection before it takes effect (and again, as an update, when a
    /// resumed run re-delivers it).</param>
    public InjectionGate(IEnumerable<Injection>? recorded = null, Action<Injection>? onAccepted = null)
    {
        _accepted = [.. recorded ?? []];
        for (int i = 0; i < _accepted.Count; i++)
            if (_accepted[i].Index != i) throw new ArgumentException($"recorded injections must be numbered 0, 1, …; #{i} has index {_accepted[i].Index}");
        _onAccepted = onAccepted;
    }

    /// <summary>The earliest simulated time an injection can still take effect (µs): the open window's horizon or the
    /// last checkpoint's time, whichever is later.</summary>
    public long SafeHorizonMicros => Interlocked.Read(ref _safe);

    public IReadOnlyList<Injection> Accepted { get { lock (_lock) return _accepted.ToArray(); } }

    /// <summary>Asks for an injection at <paramref name="atMicros"/>; completes when the run accepted (or rejected) it.
    /// <paramref name="build"/> makes its events given its index (event sequence numbers must derive from the index).</summary>
    public Task<Injection> Submit(long atMicros, Func<int, SimEvent[]> build, object? tag = null)
    {
        var r = new Request(atMicros, build, tag, new TaskCompletionSource<Injection>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (_closed is not null) r.Outcome.SetException(new InjectionRejectedException(_closed));
            else _pending.Add(r);
        }
        return r.Outcome.Task;
    }

    /// <summary>Coordinator: the safe horizon moved.</summary>
    public void Advance(long safeMicros)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _safe);
            if (safeMicros <= current) return;
        } while (Interlocked.CompareExchange(ref _safe, safeMicros, current) != current);
    }

    /// <summary>Coordinator, at a window boundary: accepts the pending injections at or after <paramref name="safeMicros"/>
    /// and before <paramref name="endMicros"/>, journals them, and returns them for delivery.</summary>
    public IReadOnlyList<Injection> Drain(long safeMicros, long endMicros, int checkpointsBegun)
    {
        List<Request> pending;
        lock (_lock)
        {
            if (_pending.Count == 0) return [];
            pending = [.. _pending];
            _pending.Clear();
        }
        var delivered = new List<Injection>();
        foreach (var r in pending.OrderBy(p => p.AtMicros))
        {
            if (r.AtMicros < safeMicros)
            {
                r.Outcome.SetException(new InjectionRejectedException($"simulated time {Hours(r.AtMicros)} has already passed: the run is safe only from {Hours(safeMicros)} on"));
                continue;
            }
            if (r.AtMicros >= endMicros)
            {
                r.Outcome.SetException(new InjectionRejectedException($"simulated time {Hours(r.AtMicros)} is at or after the run's end {Hours(endMicros)}"));
                continue;
            }
            Injection injection;
            lock (_lock) injection = new Injection(_accepted.Count, r.AtMicros, r.Build(_accepted.Count), checkpointsBegun, r.Tag);
            try
            {
                _onAccepted?.Invoke(injection);
            }
            catch (Exception ex)
            {
                r.Outcome.SetException(new InjectionRejectedException("could not journal the injection: " + ex.Message));
                continue;
            }
            lock (_lock) _accepted.Add(injection);
            delivered.Add(injection);
            r.Outcome.SetResult(injection);
        }
        return delivered;
    }

    private static string Hours(long micros) => (micros / (double)SimTime.MicrosPerHour).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) + " h";

    /// <summary>Injections a run starting after checkpoint <paramref name="startK"/> (0 = from the start) must deliver again.</summary>
    /// They are delivered before checkpoint <c>startK + 1</c>, so they are re-journaled as such.
    public IReadOnlyList<Injection> ToRedeliver(int startK)
    {
        var again = new List<Injection>();
        var moved = new List<Injection>();
        lock (_lock)
        {
            for (int i = 0; i < _accepted.Count; i++)
            {
                if (_accepted[i].AfterCheckpoint < startK) continue;
                if (_accepted[i].AfterCheckpoint != startK) moved.Add(_accepted[i] = _accepted[i] with { AfterCheckpoint = startK });
                again.Add(_accepted[i]);
            }
        }
        foreach (var i in moved) _onAccepted?.Invoke(i); // only what changed is journaled again
        return again;
    }

    /// <summary>The run ended: whatever is still pending, and everything submitted from now on, is rejected.</summary>
    public void Close(string reason)
    {
        List<Request> pending;
        lock (_lock)
        {
            _closed ??= reason;
            pending = [.. _pending];
            _pending.Clear();
        }
        foreach (var r in pending) r.Outcome.TrySetException(new InjectionRejectedException(reason));
    }
}
