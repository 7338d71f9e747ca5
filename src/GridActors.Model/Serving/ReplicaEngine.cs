namespace GridActors.Model.Serving;

/// <summary>One request's shape: prompt tokens, the share of them found in the prefix cache (not prefilled) and output
/// tokens; <see cref="OffsetMicros"/> is when it arrives after its cohort (a cohort standing for requests spread over a
/// span of time carries their arrival offsets). In the KV cache it holds prompt + output tokens until it ends.</summary>
public readonly record struct RequestShape(double PromptTokens, double CachedShare, double OutputTokens)
{
    public long OffsetMicros { get; init; }

    public double PrefillTokens => PromptTokens * (1 - CachedShare);
    public double KvTokens => PromptTokens + OutputTokens;
}

/// <summary>When a request of an admitted cohort arrived (its cohort's admission plus its offset), got its first token,
/// its time per output token and when it ends (µs of simulated time).</summary>
public readonly record struct ServedRequest(long ArrivalMicros, long FirstTokenMicros, double TpotMicros, long FinishMicros)
{
    /// <summary>Time to first token at the replica (µs): from arrival to the end of its prompt's prefill.</summary>
    public long TtftMicros => FirstTokenMicros - ArrivalMicros;
}

/// <summary>
/// Continuous batching on one replica (<see cref="ReplicaSpec"/>), at the granularity of cohorts: a cohort is a group
/// of requests admitted together (one request, or many standing for the same class). Rules:
/// <list type="bullet">
/// <item>Admission: a cohort enters only if the batch keeps at most <see cref="ReplicaSpec.MaxBatch"/> sequences and the
///   KV cache at most its capacity with every sequence's prompt and output reserved (so the cache is never exceeded);
///   otherwise it waits in its host's queue.</item>
/// <item>Prefill comes before decoding (prefill priority, as vLLM) and follows the arrivals: each prompt takes β₀ + β₁
///   per uncached prompt token (the iteration that finishes it) in the first idle stretch of the replica's prefill
///   timeline from its arrival (the cohort's admission plus its offset) that is long enough; a request gets its first
///   token when its own prompt is done. The same rule holds within a cohort and between cohorts (a cohort books its
///   later requests ahead; an earlier arrival of another cohort takes the gaps), so cohorts carrying their requests'
///   arrival offsets are prefilled about as those requests would have been one by one.</item>
/// <item>Decode: each request then produces its other output tokens at the iteration time of the batch it joins,
///   β₀ + β₂·n, stretched by the replica's recent prefill load ρ (the share of the last minute spent prefilling, capped at
///   0.9) as 1 ÷ (1 − ρ): prefill iterations take the time decode iterations would have had.</item>
/// <item>Release: a cohort frees its sequences and KV at the mean of its requests' end times, so the replica's
///   sequence-seconds are those of its requests; a cohort of one request is released exactly when it ends. The engine
///   releases it by itself when its clock passes that time (or earlier, by <see cref="Release"/>, when its host fails).</item>
/// <item>Energy: the host advances the replica's clock at every change; power is <see cref="ReplicaSpec.PowerW"/> —
///   prefill power while a prefill period runs, otherwise decode power for the sequences in the batch, or idle.</item>
/// </list>
/// </summary>
public sealed class ReplicaEngine(ReplicaSpec spec)
{
    /// <summary>Time constant of the prefill load ρ (µs): one minute.</summary>
    public const double PrefillLoadMicros = 60e6;

    private readonly Dictionary<long, (int Sequences, double Kv, long At)> _running = [];
    private readonly PriorityQueue<long, (long At, long Id)> _releases = new();
    private readonly List<(long From, long To)> _prefill = [];   // booked prefill periods not yet integrated, in time order
    private long _clock;
    private int _active;
    private double _kv, _energyJ, _prefillLoad, _prefillMicros, _decodeMicros;

    public ReplicaSpec Spec => spec;
    public int ActiveSequences => _active;
    public double KvTokensUsed => _kv;
    public int Cohorts => _running.Count;

    /// <summary>Energy drawn up to the clock (J).</summary>
    public double EnergyJ => _energyJ;

    /// <summary>Time spent prefilling and decoding (without prefill) up to the clock (µs).</summary>
    public double PrefillMicros => _prefillMicros;
    public double DecodeMicros => _decodeMicros;

    /// <summary>The prefill load ρ at the clock.</summary>
    public double PrefillLoad => _prefillLoad;

    /// <summary>Whether a cohort of <paramref name="sequences"/> requests needing <paramref name="kvTokens"/> fits now.</summary>
    public bool CanAdmit(int sequences, double kvTokens) =>
        _active + sequences <= spec.MaxBatch && _kv + kvTokens <= spec.KvCapacityTokens * (1 + 1e-12);

    /// <summary>Admits cohort <paramref name="id"/> at <paramref name="now"/> (it must fit, see <see cref="CanAdmit"/>);
    /// fills <paramref name="served"/> (one entry per request) and returns when the cohort is to be released.</summary>
    public long Admit(long id, ReadOnlySpan<RequestShape> cohort, long now, Span<ServedRequest> served)
    {
        if (cohort.Length == 0) throw new ArgumentException("an empty cohort", nameof(cohort));
        double kv = 0;
        foreach (var r in cohort) kv += r.KvTokens;
        if (!CanAdmit(cohort.Length, kv))
            throw new InvalidOperationException($"cohort {id} ({cohort.Length} sequences, {kv:0} KV tokens) does not fit: {_active} active, {_kv:0} of {spec.KvCapacityTokens:0} KV tokens");
        Advance(now);
        int n = _active + cohort.Length;
        double stretch = 1 / (1 - Math.Min(0.9, _prefillLoad));
        double tpot = spec.IterationMicros(n, 0) * stretch;
        double sumEnd = 0;
        for (int i = 0; i < cohort.Length; i++)
        {
            long arrival = now + Math.Max(0, cohort[i].OffsetMicros);
            long first = Book(arrival, (long)Math.Round(spec.StepBaseMicros + spec.StepPerPrefillTokenMicros * cohort[i].PrefillTokens));
            long end = first + (long)Math.Round(Math.Max(0, cohort[i].OutputTokens - 1) * tpot);
            served[i] = new ServedRequest(arrival, first, tpot, end);
            sumEnd += end;
        }
        _active = n;
        _kv += kv;
        long at = Math.Max(now + 1, (long)Math.Round(sumEnd / cohort.Length));
        _running.Add(id, (cohort.Length, kv, at));
        _releases.Enqueue(id, (at, id));
        return at;
    }

    /// <summary>Books the prefill of a prompt arriving at <paramref name="arrival"/> that needs <paramref name="duration"/>
    /// µs of the replica: in the idle stretches of the prefill timeline from its arrival on, piece by piece (chunked
    /// prefill: a prompt's chunks go into the iterations nobody else booked), until it has had all of it; returns when
    /// its last piece ends. Cohorts admitted earlier may have booked the timeline ahead (their later requests); a request
    /// of a cohort admitted later that arrives before them uses the gaps between, so the replica never idles while a
    /// prompt waits and the prefill order follows the arrivals as far as the bookings allow.</summary>
    private long Book(long arrival, long duration)
    {
        long t = arrival, left = duration;
        for (int k = 0; k < _prefill.Count && left > 0; k++)
        {
            var (a, b) = _prefill[k];
            if (b <= t) continue;
            if (a > t)
            {
                long use = Math.Min(a - t, left);
                _prefill.Insert(k++, (t, t + use));
                left -= use;
                t += use;
                if (left == 0) break;
            }
            t = Math.Max(t, b);
        }
        if (left > 0)
        {
            int at = _prefill.Count;
            while (at > 0 && _prefill[at - 1].From > t) at--;
            _prefill.Insert(at, (t, t + left));
            t += left;
        }
        return t;
    }

    /// <summary>Releases cohort <paramref name="id"/> at <paramref name="now"/> if it still runs (its host failed, or its
    /// release time has come): its sequences and KV are free again. False if it had already been released.</summary>
    public bool Release(long id, long now)
    {
        Advance(now);
        return Free(id);
    }

    private bool Free(long id)
    {
        if (!_running.Remove(id, out var c)) return false;
        _active -= c.Sequences;
        _kv = _running.Count == 0 ? 0 : Math.Max(0, _kv - c.Kv);
        return true;
    }

    public void Save(BinaryWriter w)
    {
        w.Write(_clock); w.Write(_active); w.Write(_kv); w.Write(_energyJ); w.Write(_prefillLoad); w.Write(_prefillMicros); w.Write(_decodeMicros);
        w.Write(_running.Count);
        foreach (var (id, c) in _running.OrderBy(x => x.Key)) { w.Write(id); w.Write(c.Sequences); w.Write(c.Kv); w.Write(c.At); }
        w.Write(_prefill.Count);
        foreach (var (a, b) in _prefill) { w.Write(a); w.Write(b); }
    }

    public void Load(BinaryReader r)
    {
        _clock = r.ReadInt64(); _active = r.ReadInt32(); _kv = r.ReadDouble(); _energyJ = r.ReadDouble();
        _prefillLoad = r.ReadDouble(); _prefillMicros = r.ReadDouble(); _decodeMicros = r.ReadDouble();
        _running.Clear();
        _releases.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            long id = r.ReadInt64();
            var c = (r.ReadInt32(), r.ReadDouble(), r.ReadInt64());
            _running.Add(id, c);
            _releases.Enqueue(id, (c.Item3, id));
        }
        _prefill.Clear();
        for (int n = r.ReadInt32(); n > 0; n--) _prefill.Add((r.ReadInt64(), r.ReadInt64()));
    }

    /// <summary>Moves the clock to <paramref name="now"/>, releasing the cohorts whose time has come on the way and
    /// integrating power and the prefill load between the changes.</summary>
    public void Advance(long now)
    {
        while (_releases.TryPeek(out long id, out var key) && key.At <= now)
        {
            _releases.Dequeue();
            if (!_running.TryGetValue(id, out var c) || c.At != key.At) continue;   // released earlier
            Integrate(key.At);
            Free(id);
        }
        Integrate(now);
    }

    private void Integrate(long now)
    {
        if (now <= _clock) return;
        long from = _clock;
        double prefilling = 0;
        int done = 0;
        foreach (var (a, b) in _prefill)
        {
            if (a >= now) break;
            prefilling += Math.Max(0, Math.Min(b, now) - Math.Max(a, from));
            if (b <= now) done++; else break;
        }
        _prefill.RemoveRange(0, done);
        double span = now - from;
        double rest = span - prefilling;
        _energyJ += (prefilling * spec.PowerW(true, _active) + rest * spec.PowerW(false, _active)) / 1e6;
        _prefillMicros += prefilling;
        if (_active > 0) _decodeMicros += rest;
        double decay = Math.Exp(-span / PrefillLoadMicros);
        _prefillLoad = _prefillLoad * decay + prefilling / span * (1 - decay);
        _clock = now;
    }
}
