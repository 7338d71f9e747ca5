namespace GridActors.Model.Serving;

/// <summary>One request's shape: prompt tokens, the share of them found in the prefix cache (not prefilled) and output
/// tokens. In the KV cache it holds prompt + output tokens from its admission until it ends.</summary>
public readonly record struct RequestShape(double PromptTokens, double CachedShare, double OutputTokens)
{
    public double PrefillTokens => PromptTokens * (1 - CachedShare);
    public double KvTokens => PromptTokens + OutputTokens;
}

/// <summary>A request handed to a replica: when it arrives there (µs), its shape, and what its host needs to file the
/// result (<see cref="Cohort"/>: which cohort it belongs to; <see cref="Tag"/>: free for the host).</summary>
public readonly record struct ReplicaRequest(long ArrivalMicros, RequestShape Shape, long Cohort, int Tag);

/// <summary>What became of a request: admitted at <see cref="StartMicros"/>, first token at <see cref="FirstTokenMicros"/>
/// (its prompt prefilled), then one token every <see cref="TpotMicros"/> until <see cref="EndMicros"/>; or dropped
/// (<see cref="Dropped"/>) because it would have waited longer than the replica's limit, or it can never fit its cache.</summary>
public readonly record struct ServedRequest(ReplicaRequest Request, long StartMicros, long FirstTokenMicros, double TpotMicros, long EndMicros, bool Dropped)
{
    /// <summary>Time to first token at the replica (µs): from arrival to the end of its prompt's prefill.</summary>
    public long TtftMicros => FirstTokenMicros - Request.ArrivalMicros;
}

/// <summary>
/// Continuous batching on one replica (<see cref="ReplicaSpec"/>), request by request, first come first served. Rules:
/// <list type="bullet">
/// <item>Requests are handed over (<see cref="Submit"/>) any time before they arrive, in any order; the engine serves them
///   in order of arrival (ties: order of submission) once its clock reaches their arrival (<see cref="Advance"/>). Since
///   no request can arrive before the clock after it was advanced, this is exactly first come, first served, however far
///   ahead a host hands requests over (cohorts carrying their requests' arrival offsets).</item>
/// <item>Admission: a request starts when the prefill of the one before it is done, and the batch has room for it — at
///   most <see cref="ReplicaSpec.MaxBatch"/> sequences and at most the KV capacity with every sequence's prompt and output
///   reserved (so the cache is never exceeded); otherwise it waits for the sequences that end first. A request that would
///   start more than <see cref="MaxWaitMicros"/> after it arrived, or that could never fit the cache, is dropped.</item>
/// <item>Prefill has priority (as vLLM): the prompt takes β₀ + β₁ per uncached prompt token from the start — or, when it
///   starts the moment the prompt before it is done (it was queued), only its share of β₀ over a chunk of
///   <see cref="ReplicaSpec.PrefillChunkTokens"/> (<see cref="ReplicaSpec.PrefillMicros"/>); the request has its first
///   token when its own prompt is done.</item>
/// <item>Decode: the request then produces its other output tokens at the iteration time of the batch it joined,
///   β₀ + β₂·n, stretched by the replica's recent prefill load ρ (the share of time spent prefilling, exponentially
///   weighted with a time constant of one minute, capped at 0.9) as 1 ÷ (1 − ρ): prefill iterations take the time decode iterations would have had.</item>
/// <item>Power: prefill power while a prompt is prefilled, decode power for the n sequences in the batch, idle power with
///   nothing to do (<see cref="ReplicaSpec.PowerW"/>, linear in n). Written as idle + the sum over requests of what each
///   adds (its sequence-time × the per-sequence slope, its prefill time × prefill's excess over decode, the busy periods'
///   excess over idle), the energy of each dispatch interval is complete once the clock has passed it, whatever is still
///   running (<see cref="TakeEnergyJ"/>).</item>
/// <item>Power capping (<see cref="SetCap"/>): iterations take <c>timeScale</c> longer and every power above idle is
///   scaled by <c>powerScale</c>, for the requests admitted while the cap holds.</item>
/// </list>
/// </summary>
public sealed class ReplicaEngine
{
    /// <summary>Time constant of the prefill load ρ (µs): one minute.</summary>
    public const double PrefillLoadMicros = 60e6;

    private readonly ReplicaSpec _spec;
    private readonly long _intervalMicros;
    private readonly PriorityQueue<ReplicaRequest, (long At, long Seq)> _pending = new();
    private readonly PriorityQueue<double, (long End, long Seq)> _ends = new();   // KV tokens of running sequences, by end time
    private readonly SortedDictionary<long, double> _bins = [];   // energy above idle by dispatch interval (J)
    private readonly List<(double Kv, (long End, long Seq) At)> _popped = [];
    private long _seq, _clock, _billedTo, _seqServed;
    private long _prefillFree, _busyUntil, _lastStart, _lastPrefill;
    private int _active;
    private double _kv, _prefillLoad, _prefillMicros, _busyMicros, _sequenceMicros;
    private double _timeScale = 1, _powerScale = 1;
    private readonly double _idleW, _slopeW, _decode0W, _prefillW;

    public ReplicaEngine(ReplicaSpec spec, long intervalMicros = 300_000_000)
    {
        if (intervalMicros <= 0) throw new ArgumentOutOfRangeException(nameof(intervalMicros));
        _spec = spec;
        _intervalMicros = intervalMicros;
        _idleW = spec.PowerW(false, 0);
        _prefillW = spec.PowerW(true, 1);
        double d1 = spec.PowerW(false, 1);
        _slopeW = spec.MaxBatch > 1 ? (spec.PowerW(false, spec.MaxBatch) - d1) / (spec.MaxBatch - 1) : 0;
        _decode0W = d1 - _slopeW;   // decode power = _decode0W + n · _slopeW
    }

    public ReplicaSpec Spec => _spec;

    /// <summary>Longest a request may wait for admission before it is dropped (µs).</summary>
    public long MaxWaitMicros { get; init; } = 60_000_000;

    /// <summary>Sequences admitted and not yet ended at the last admission.</summary>
    public int ActiveSequences => _active;
    public double KvTokensUsed => _kv;
    public int Pending => _pending.Count;

    /// <summary>Time spent prefilling, busy (anything running) and sequence-time (Σ sequences × time) of the requests
    /// admitted so far (µs).</summary>
    public double PrefillMicros => _prefillMicros;
    public double BusyMicros => _busyMicros;
    public double SequenceMicros => _sequenceMicros;

    /// <summary>The prefill load ρ at the last admission.</summary>
    public double PrefillLoad => _prefillLoad;

    /// <summary>Caps power from now on (see the class notes); (1, 1) lifts the cap.</summary>
    public void SetCap(double timeScale, double powerScale)
    {
        _timeScale = timeScale;
        _powerScale = powerScale;
    }

    /// <summary>Hands over a request arriving at or after the clock.</summary>
    public void Submit(in ReplicaRequest r)
    {
        if (r.ArrivalMicros < _clock)
            throw new InvalidOperationException($"a request arriving at {r.ArrivalMicros} µs was handed over after the replica's clock reached {_clock} µs");
        _pending.Enqueue(r, (r.ArrivalMicros, _seq++));
    }

    /// <summary>Moves the clock to <paramref name="now"/>: serves every request that has arrived by then, in order of
    /// arrival, adding what became of each to <paramref name="done"/>.</summary>
    public void Advance(long now, List<ServedRequest> done)
    {
        while (_pending.TryPeek(out var r, out var key) && key.At <= now)
        {
            _pending.Dequeue();
            done.Add(Serve(r));
        }
        if (now > _clock) _clock = now;
    }

    private ServedRequest Serve(in ReplicaRequest r)
    {
        var shape = r.Shape;
        double kv = shape.KvTokens;
        if (kv > _spec.KvCapacityTokens * (1 + 1e-12) || _spec.MaxBatch < 1) return new ServedRequest(r, r.ArrivalMicros, 0, 0, 0, true);
        long start = Math.Max(r.ArrivalMicros, _prefillFree);
        ReleaseUpTo(start);
        _popped.Clear();
        while (_active + 1 > _spec.MaxBatch || _kv + kv > _spec.KvCapacityTokens * (1 + 1e-12))
        {
            _ends.TryDequeue(out double freed, out var at);   // the batch is not empty, or the request would fit
            long end = at.End;
            _popped.Add((freed, at));
            _active--;
            _kv = _active == 0 ? 0 : Math.Max(0, _kv - freed);
            start = Math.Max(start, end);
        }
        if (start - r.ArrivalMicros > MaxWaitMicros)
        {
            foreach (var (freed, at) in _popped) { _ends.Enqueue(freed, at); _active++; _kv += freed; }
            return new ServedRequest(r, start, 0, 0, 0, true);
        }
        ReleaseUpTo(start);
        _active++;
        _kv += kv;
        // Prefill load ρ: the share of time spent prefilling, exponentially weighted over the past (time constant
        // PrefillLoadMicros); the prefill before this one ran from the last admission for _lastPrefill µs and is over by now.
        if (start > _lastStart)
        {
            double span = start - _lastStart, decay = Math.Exp(-span / PrefillLoadMicros);
            _prefillLoad = _prefillLoad * decay + Math.Exp(-Math.Max(0, span - _lastPrefill) / PrefillLoadMicros) - decay;
        }
        long prefill = (long)Math.Round(_spec.PrefillMicros(shape.PrefillTokens, queued: start == _prefillFree && _seqServed > 0) * _timeScale);
        _seqServed++;
        long first = start + prefill;
        double tpot = (_spec.StepBaseMicros + _spec.StepPerDecodeSequenceMicros * _active) * _timeScale / (1 - Math.Min(0.9, _prefillLoad));
        long end2 = first + (long)Math.Round(Math.Max(0, shape.OutputTokens - 1) * tpot);
        _ends.Enqueue(kv, (end2, _seq++));
        _prefillFree = first;
        _lastStart = start;
        _lastPrefill = prefill;
        // Energy above idle, by dispatch interval.
        Bin(start, end2, _slopeW * _powerScale);
        Bin(start, first, (_prefillW - _decode0W - _slopeW * _active) * _powerScale);
        if (end2 > _busyUntil)
        {
            long from = Math.Max(start, _busyUntil);
            Bin(from, end2, (_decode0W - _idleW) * _powerScale);
            _busyMicros += end2 - from;
            _busyUntil = end2;
        }
        _prefillMicros += prefill;
        _sequenceMicros += end2 - start;
        return new ServedRequest(r, start, first, tpot, end2, false);
    }

    private void ReleaseUpTo(long t)
    {
        while (_ends.TryPeek(out double freed, out var at) && at.End <= t)
        {
            _ends.Dequeue();
            _active--;
            _kv = _active == 0 ? 0 : Math.Max(0, _kv - freed);
        }
    }

    /// <summary>Adds <paramref name="watts"/> over [from, to) to the interval bins.</summary>
    private void Bin(long from, long to, double watts)
    {
        if (to <= from || watts == 0) return;
        for (long k = from / _intervalMicros; k * _intervalMicros < to; k++)
        {
            long a = Math.Max(from, k * _intervalMicros), b = Math.Min(to, (k + 1) * _intervalMicros);
            _bins[k] = _bins.GetValueOrDefault(k) + watts * (b - a) / 1e6;
        }
    }

    /// <summary>Energy drawn from the last call up to <paramref name="upTo"/> (J), which must be a dispatch interval's start
    /// the clock has reached: idle power over the time plus what the requests added in the intervals before it.</summary>
    public double TakeEnergyJ(long upTo)
    {
        if (upTo > _clock) throw new InvalidOperationException($"energy up to {upTo} µs asked before the clock reached it ({_clock} µs)");
        if (upTo % _intervalMicros != 0) throw new ArgumentException($"{upTo} µs is not the start of a dispatch interval", nameof(upTo));
        if (upTo <= _billedTo) return 0;
        double j = _idleW * (upTo - _billedTo) / 1e6;
        long last = upTo / _intervalMicros;
        while (_bins.Count > 0)
        {
            var first = _bins.First();
            if (first.Key >= last) break;
            j += first.Value;
            _bins.Remove(first.Key);
        }
        _billedTo = upTo;
        return j;
    }

    /// <summary>Drops every request not yet admitted and ends every running one now (its host failed): returns the
    /// requests dropped. Energy already added stays (it was drawn or is being drawn until the next interval).</summary>
    public List<ReplicaRequest> Clear()
    {
        var dropped = _pending.UnorderedItems.OrderBy(x => x.Priority).Select(x => x.Element).ToList();
        _pending.Clear();
        _ends.Clear();
        _active = 0;
        _kv = 0;
        _prefillFree = Math.Min(_prefillFree, _clock);
        return dropped;
    }

    public void Save(BinaryWriter w)
    {
        w.Write(_seq); w.Write(_seqServed); w.Write(_clock); w.Write(_billedTo); w.Write(_prefillFree); w.Write(_busyUntil); w.Write(_lastStart); w.Write(_lastPrefill);
        w.Write(_active); w.Write(_kv); w.Write(_prefillLoad); w.Write(_prefillMicros); w.Write(_busyMicros); w.Write(_sequenceMicros);
        w.Write(_timeScale); w.Write(_powerScale);
        var pending = _pending.UnorderedItems.OrderBy(x => x.Priority).ToList();
        w.Write(pending.Count);
        foreach (var (r, (at, seq)) in pending)
        {
            w.Write(seq); w.Write(r.ArrivalMicros); w.Write(r.Shape.PromptTokens); w.Write(r.Shape.CachedShare); w.Write(r.Shape.OutputTokens);
            w.Write(r.Cohort); w.Write(r.Tag);
        }
        var ends = _ends.UnorderedItems.OrderBy(x => x.Priority).ToList();
        w.Write(ends.Count);
        foreach (var (kv, (end, seq)) in ends) { w.Write(end); w.Write(seq); w.Write(kv); }
        w.Write(_bins.Count);
        foreach (var (k, j) in _bins) { w.Write(k); w.Write(j); }
    }

    public void Load(BinaryReader r)
    {
        _seq = r.ReadInt64(); _seqServed = r.ReadInt64(); _clock = r.ReadInt64(); _billedTo = r.ReadInt64(); _prefillFree = r.ReadInt64(); _busyUntil = r.ReadInt64();
        _lastStart = r.ReadInt64(); _lastPrefill = r.ReadInt64();
        _active = r.ReadInt32(); _kv = r.ReadDouble(); _prefillLoad = r.ReadDouble(); _prefillMicros = r.ReadDouble(); _busyMicros = r.ReadDouble();
        _sequenceMicros = r.ReadDouble(); _timeScale = r.ReadDouble(); _powerScale = r.ReadDouble();
        _pending.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            long seq = r.ReadInt64(), at = r.ReadInt64();
            var shape = new RequestShape(r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            var req = new ReplicaRequest(at, shape, r.ReadInt64(), r.ReadInt32());
            _pending.Enqueue(req, (at, seq));
        }
        _ends.Clear();
        for (int n = r.ReadInt32(); n > 0; n--) { long end = r.ReadInt64(), seq = r.ReadInt64(); _ends.Enqueue(r.ReadDouble(), (end, seq)); }
        _bins.Clear();
        for (int n = r.ReadInt32(); n > 0; n--) _bins[r.ReadInt64()] = r.ReadDouble();
    }
}
