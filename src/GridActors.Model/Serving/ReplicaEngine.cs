namespace GridActors.Model.Serving;

/// <summary>One request's shape: prompt tokens, the share of them found in the prefix cache (not prefilled) and output
/// tokens. In the KV cache it holds prompt + output tokens from its admission until it ends.</summary>
public readonly record struct RequestShape(double PromptTokens, double CachedShare, double OutputTokens)
{
    public double PrefillTokens => PromptTokens * (1 - CachedShare);
    public double KvTokens => PromptTokens + OutputTokens;
}

/// <summary>A request handed to a replica: when it arrives there (µs), its shape, and what its host needs to file the
/// result (<see cref="Cohort"/>: which cohort it belongs to; <see cref="Tag"/>: free for the host). <see cref="Weight"/>:
/// the requests it stands for (a host simulating one replica for many): what it adds to energy (its sequence and its
/// prefill), prefill and sequence time counts that many times.</summary>
public readonly record struct ReplicaRequest(long ArrivalMicros, RequestShape Shape, long Cohort, int Tag, double Weight = 1);

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
/// <item>Admission: with its prefill iteration, if the batch has room for it — at most <see cref="ReplicaSpec.MaxBatch"/>
///   sequences — and the KV cache too: with <see cref="KvAdmission.Reserve"/> every sequence's prompt and output are
///   reserved (so the cache is never exceeded); with <see cref="KvAdmission.Live"/> the new prompt must fit beside what the
///   running sequences hold now (prompts and tokens generated so far, as vLLM's paged allocation admits), and the cache's
///   peak use is reported (<see cref="PeakKvShare"/>: preemption is not modelled). Otherwise a new iteration waits for the
///   sequences that end first. A request that would start more than
///   <see cref="MaxWaitMicros"/> after it arrived, or that could never fit the cache, is dropped.</item>
/// <item>Prefill runs in iterations (as vLLM's chunked prefill, with priority over decoding): an iteration starts when the
///   one before it ends (or at the first arrival when the replica was not prefilling) and takes the prompts that arrived
///   before its start, up to <see cref="ReplicaSpec.PrefillChunkTokens"/> uncached tokens and as long as the batch has
///   room; it lasts β₀ + β₁·its uncached tokens (a prompt beyond the budget runs alone, β₀ per chunk). Its requests are
///   admitted at its start and have their first token at its end. Since an iteration may take arrivals until it starts,
///   its requests are settled when the clock reaches its start (<see cref="OpenIterationStart"/>).</item>
/// <item>Decode: the request then produces its other output tokens at the iteration time of the batch it joined,
///   β₀ + β₂·n, stretched by the replica's recent prefill load ρ (the share of time spent prefilling, exponentially
///   weighted with a time constant of one minute, capped at 0.9) as 1 ÷ (1 − ρ): prefill iterations take the time decode
///   iterations would have had. A disaggregated replica decodes on accelerators of its own, unstretched.</item>
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
    private readonly PriorityQueue<Running, (long End, long Seq)> _ends = new();   // running sequences, by end time
    private readonly IntervalBins _bins = new();       // energy above idle by dispatch interval (J)
    private readonly IntervalBins _busyBins = new();   // busy time (anything running) by dispatch interval (µs)
    private readonly IntervalBins _busyEnergyBins = new();   // the busy periods' power above idle by dispatch interval (J)
    private readonly List<(Running Seq, (long End, long Seq) At)> _popped = [];
    private long _seq, _clock, _billedTo, _iterStart;
    private double _iterTokens;
    private readonly List<ReplicaRequest> _forming = [];   // requests of the prefill iteration being formed, admitted at its start
    private long _prefillFree, _busyUntil, _lastStart, _lastPrefill;
    private int _active;
    private double _kv, _prefillLoad, _prefillMicros, _busyMicros, _sequenceMicros, _prefillEnergyJ;
    private double _timeScale = 1, _powerScale = 1;
    private double _livePrompts, _liveRate, _liveOffset, _peakLive;   // live KV use = prompts + rate·t − offset (see LiveKvTokens)

    /// <summary>A running sequence: KV reserved (prompt + output), its prompt, its output rate (tokens per µs) and first token.</summary>
    private readonly record struct Running(double Kv, double Prompt, double Rate, long First);
    private readonly double _idleW, _slopeW, _decode0W, _prefillW, _prefillSideIdleW, _prefillSideExcessW;

    public ReplicaEngine(ReplicaSpec spec, long intervalMicros = 300_000_000)
    {
        if (intervalMicros <= 0) throw new ArgumentOutOfRangeException(nameof(intervalMicros));
        _spec = spec;
        _intervalMicros = intervalMicros;
        _idleW = spec.PowerW(false, 0);
        _prefillW = spec.PowerW(true, 0);
        double d1 = spec.PowerW(false, 1);
        _slopeW = spec.MaxBatch > 1 ? (spec.PowerW(false, spec.MaxBatch) - d1) / (spec.MaxBatch - 1) : 0;
        _decode0W = d1 - _slopeW;   // decode power = _decode0W + n · _slopeW
        // What the accelerators that prefill draw while prefilling: at idle (with their share of the node overhead) and above it.
        _prefillSideIdleW = spec.Disaggregated
            ? spec.PrefillAccelerators * spec.IdleW + spec.NodeOverheadW * spec.PrefillAccelerators / spec.Accelerators
            : _idleW;
        _prefillSideExcessW = spec.Disaggregated ? spec.PrefillAccelerators * (spec.PrefillW - spec.IdleW) : _prefillW - _idleW;
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

    /// <summary>Energy drawn while prompts were prefilled by the accelerators that prefill them, with their share of the node
    /// overhead (J; the input tokens' share of the energy), for the requests admitted so far.</summary>
    public double PrefillEnergyJ => _prefillEnergyJ;

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
    /// arrival, adding what became of each to <paramref name="done"/> once its prefill iteration is settled (an iteration
    /// that starts after <paramref name="now"/> may still take later arrivals: see <see cref="OpenIterationStart"/>).</summary>
    public void Advance(long now, List<ServedRequest> done)
    {
        while (_pending.TryPeek(out var r, out var key) && key.At <= now)
        {
            _pending.Dequeue();
            Serve(r, done);
        }
        if (_forming.Count > 0 && now >= _iterStart) Close(done);   // every request that could join it has arrived
        if (now > _clock) _clock = now;
    }

    /// <summary>Start of the prefill iteration still taking arrivals (its requests are not settled until the clock reaches
    /// it), or null.</summary>
    public long? OpenIterationStart => _forming.Count > 0 ? _iterStart : null;

    /// <summary>Whether one more sequence (reserving <paramref name="kv"/>, holding <paramref name="prompt"/> now) fits at
    /// <paramref name="t"/>: the batch has room, and the cache has room for its reservation (<see cref="KvAdmission.Reserve"/>)
    /// or for its prompt beside what the running sequences hold at <paramref name="t"/> (<see cref="KvAdmission.Live"/>).</summary>
    private bool Fits(double kv, double prompt, long t) => _active + 1 <= _spec.MaxBatch && (_spec.KvAdmission == KvAdmission.Live
        ? LiveKvTokens(t) + prompt <= _spec.KvCapacityTokens * (1 + 1e-12)
        : _kv + kv <= _spec.KvCapacityTokens * (1 + 1e-12));

    /// <summary>KV tokens the admitted sequences hold at <paramref name="t"/> (not before their last admission or first
    /// token): each its prompt plus the tokens generated since its first, one per time per output token.</summary>
    public double LiveKvTokens(long t) => _livePrompts + _liveRate * t - _liveOffset;

    /// <summary>Most KV tokens the sequences held at once, as a share of the capacity (checked at every admission and just
    /// before every end; with <see cref="KvAdmission.Live"/> it can exceed 1, where a real engine would preempt).</summary>
    public double PeakKvShare => _spec.KvCapacityTokens > 0 ? _peakLive / _spec.KvCapacityTokens : 0;

    private void Free(Running r, long at)
    {
        _peakLive = Math.Max(_peakLive, LiveKvTokens(at));
        _active--;
        _kv = _active == 0 ? 0 : Math.Max(0, _kv - r.Kv);
        _livePrompts -= r.Prompt;
        _liveRate -= r.Rate;
        _liveOffset -= r.Rate * r.First;
        if (_active == 0) _livePrompts = _liveRate = _liveOffset = 0;
    }

    private void Unfree(Running r)
    {
        _active++;
        _kv += r.Kv;
        _livePrompts += r.Prompt;
        _liveRate += r.Rate;
        _liveOffset += r.Rate * r.First;
    }

    private void Serve(in ReplicaRequest r, List<ServedRequest> done)
    {
        var shape = r.Shape;
        double kv = shape.KvTokens, tokens = shape.PrefillTokens;
        if (kv > _spec.KvCapacityTokens * (1 + 1e-12) || _spec.MaxBatch < 1)
        {
            done.Add(new ServedRequest(r, r.ArrivalMicros, 0, 0, 0, true));
            return;
        }
        if (_forming.Count > 0 && r.ArrivalMicros > _iterStart) Close(done);   // it started before this arrival
        if (_forming.Count > 0)
        {
            // Join the iteration being formed if its prefill budget and the batch have room (else it closes).
            if (_iterTokens + tokens <= _spec.PrefillChunkTokens && Fits(kv, shape.PromptTokens, _iterStart))
            {
                if (_iterStart - r.ArrivalMicros > MaxWaitMicros)
                {
                    done.Add(new ServedRequest(r, _iterStart, 0, 0, 0, true));
                    return;
                }
                Admit(r, kv, tokens);
                return;
            }
            Close(done);
        }
        long start = Math.Max(r.ArrivalMicros, _prefillFree);
        ReleaseUpTo(start);
        _popped.Clear();
        while (!Fits(kv, shape.PromptTokens, start))
        {
            _ends.TryDequeue(out var freed, out var at);   // the batch is not empty, or the request would fit
            _popped.Add((freed, at));
            start = Math.Max(start, at.End);
            Free(freed, at.End);
        }
        if (start - r.ArrivalMicros > MaxWaitMicros)
        {
            foreach (var (freed, at) in _popped) { _ends.Enqueue(freed, at); Unfree(freed); }
            done.Add(new ServedRequest(r, start, 0, 0, 0, true));
            return;
        }
        ReleaseUpTo(start);
        _iterStart = start;
        _iterTokens = 0;
        Admit(r, kv, tokens);
    }

    private void Admit(in ReplicaRequest r, double kv, double tokens)
    {
        _forming.Add(r);
        _iterTokens += tokens;
        _active++;
        _kv += kv;
        _livePrompts += r.Shape.PromptTokens;
        _peakLive = Math.Max(_peakLive, LiveKvTokens(_iterStart));
    }

    /// <summary>Runs the iteration formed: it prefills its prompts in β₀ + β₁·tokens (a prompt beyond the budget alone, in
    /// as many iterations as it needs); each request has its first token at its end and decodes from there.</summary>
    private void Close(List<ServedRequest> done)
    {
        long start = _iterStart;
        double chunks = Math.Max(1, Math.Ceiling(_iterTokens / Math.Max(1, _spec.PrefillChunkTokens)));
        long prefill = (long)Math.Round((_spec.StepBaseMicros * chunks + _spec.StepPerPrefillTokenMicros * _iterTokens) * _timeScale);
        long first = start + prefill;
        // Prefill load ρ: the share of time spent prefilling, exponentially weighted over the past (time constant
        // PrefillLoadMicros); the iteration before this one ran from its start for _lastPrefill µs and is over by now.
        if (start > _lastStart)
        {
            double span = start - _lastStart, decay = Math.Exp(-span / PrefillLoadMicros);
            _prefillLoad = _prefillLoad * decay + Math.Exp(-Math.Max(0, span - _lastPrefill) / PrefillLoadMicros) - decay;
        }
        double stretch = _spec.Disaggregated ? 1 : 1 / (1 - Math.Min(0.9, _prefillLoad));
        double tpot = (_spec.StepBaseMicros + _spec.StepPerDecodeSequenceMicros * _active) * _timeScale * stretch;
        double w = 0;   // a prefill iteration counts as many times as its requests do on average
        foreach (var r in _forming) w += r.Weight;
        w /= _forming.Count;
        Bin(start, first, (_spec.Disaggregated ? _prefillW - _idleW : _prefillW - _decode0W - _slopeW * _active) * _powerScale * w);
        foreach (var r in _forming)
        {
            long end = first + (long)Math.Round(Math.Max(0, r.Shape.OutputTokens - 1) * tpot);
            var running = new Running(r.Shape.KvTokens, r.Shape.PromptTokens, 1 / tpot, first);
            _ends.Enqueue(running, (end, _seq++));
            _liveRate += running.Rate;
            _liveOffset += running.Rate * first;
            Bin(start, end, _slopeW * _powerScale * r.Weight);
            if (end > _busyUntil)
            {
                long from = Math.Max(start, _busyUntil);
                Bin(_busyEnergyBins, from, end, (_decode0W - _idleW) * _powerScale);
                Bin(_busyBins, from, end, 1e6);
                _busyMicros += end - from;
                _busyUntil = end;
            }
            _sequenceMicros += (end - start) * r.Weight;
            done.Add(new ServedRequest(r, start, first, tpot, end, false));
        }
        _prefillFree = first;
        _lastStart = start;
        _lastPrefill = prefill;
        _prefillMicros += prefill * w;
        _prefillEnergyJ += prefill * (_prefillSideIdleW + _prefillSideExcessW * _powerScale) / 1e6 * w;
        _forming.Clear();
        _iterTokens = 0;
    }

    private void ReleaseUpTo(long t)
    {
        while (_ends.TryPeek(out var freed, out var at) && at.End <= t)
        {
            _ends.Dequeue();
            Free(freed, at.End);
        }
    }

    /// <summary>Adds <paramref name="watts"/> over [from, to) to the interval bins.</summary>
    private void Bin(long from, long to, double watts) => Bin(_bins, from, to, watts);

    private void Bin(IntervalBins bins, long from, long to, double watts)
    {
        if (to <= from || watts == 0) return;
        for (long k = from / _intervalMicros; k * _intervalMicros < to; k++)
        {
            long a = Math.Max(from, k * _intervalMicros), b = Math.Min(to, (k + 1) * _intervalMicros);
            bins.Add(k, watts * (b - a) / 1e6);
        }
    }

    /// <summary>Busy time (anything admitted and not ended) in the dispatch intervals before <paramref name="upTo"/> not
    /// taken yet (µs, unweighted); <paramref name="upTo"/> as for <see cref="TakeEnergyJ"/>.</summary>
    public double TakeBusyMicros(long upTo) => _busyBins.TakeBefore(upTo / _intervalMicros);

    /// <summary>Energy drawn from the last call up to <paramref name="upTo"/> (J), which must be a dispatch interval's start
    /// the clock has reached: idle power over the time plus what the requests added in the intervals before it.</summary>
    public double TakeEnergyJ(long upTo)
    {
        long from = _billedTo;
        var (requests, busy) = TakeAboveIdleJ(upTo);
        return _idleW * Math.Max(0, upTo - from) / 1e6 + requests + busy;
    }

    /// <summary>Energy above idle power from the last call up to <paramref name="upTo"/> (J; <paramref name="upTo"/> as for
    /// <see cref="TakeEnergyJ"/>): what the requests added — their sequences and prefills, each weighted by
    /// <see cref="ReplicaRequest.Weight"/> — and the busy periods' excess (a replica with anything running draws its decode
    /// floor), unweighted: a host standing the engine for several replicas weighs it by how many it stood for.</summary>
    public (double RequestsJ, double BusyJ) TakeAboveIdleJ(long upTo)
    {
        if (upTo > _clock) throw new InvalidOperationException($"energy up to {upTo} µs asked before the clock reached it ({_clock} µs)");
        if (upTo % _intervalMicros != 0) throw new ArgumentException($"{upTo} µs is not the start of a dispatch interval", nameof(upTo));
        if (upTo <= _billedTo) return (0, 0);
        long last = upTo / _intervalMicros;
        var taken = (_bins.TakeBefore(last), _busyEnergyBins.TakeBefore(last));
        _billedTo = upTo;
        return taken;
    }

    /// <summary>Drops every request not yet admitted and ends every running one now (its host failed): returns the
    /// requests dropped. Energy already added stays (it was drawn or is being drawn until the next interval).</summary>
    public List<ReplicaRequest> Clear()
    {
        var dropped = _forming.Concat(_pending.UnorderedItems.OrderBy(x => x.Priority).Select(x => x.Element)).ToList();
        _pending.Clear();
        _forming.Clear();
        _iterTokens = 0;
        _ends.Clear();
        _active = 0;
        _kv = 0;
        _livePrompts = _liveRate = _liveOffset = 0;
        _prefillFree = Math.Min(_prefillFree, _clock);
        return dropped;
    }

    public void Save(BinaryWriter w)
    {
        w.Write(_seq); w.Write(_iterStart); w.Write(_iterTokens); w.Write(_clock); w.Write(_billedTo); w.Write(_prefillFree); w.Write(_busyUntil); w.Write(_lastStart); w.Write(_lastPrefill);
        w.Write(_active); w.Write(_kv); w.Write(_prefillLoad); w.Write(_prefillMicros); w.Write(_busyMicros); w.Write(_sequenceMicros); w.Write(_prefillEnergyJ);
        w.Write(_timeScale); w.Write(_powerScale);
        w.Write(_livePrompts); w.Write(_liveRate); w.Write(_liveOffset); w.Write(_peakLive);
        var pending = _pending.UnorderedItems.OrderBy(x => x.Priority).ToList();
        w.Write(pending.Count);
        foreach (var (r, (at, seq)) in pending)
        {
            w.Write(seq); w.Write(r.ArrivalMicros); w.Write(r.Shape.PromptTokens); w.Write(r.Shape.CachedShare); w.Write(r.Shape.OutputTokens);
            w.Write(r.Cohort); w.Write(r.Tag); w.Write(r.Weight);
        }
        w.Write(_forming.Count);
        foreach (var f in _forming)
        {
            w.Write(f.ArrivalMicros); w.Write(f.Shape.PromptTokens); w.Write(f.Shape.CachedShare); w.Write(f.Shape.OutputTokens); w.Write(f.Cohort); w.Write(f.Tag); w.Write(f.Weight);
        }
        var ends = _ends.UnorderedItems.OrderBy(x => x.Priority).ToList();
        w.Write(ends.Count);
        foreach (var (run, (end, seq)) in ends) { w.Write(end); w.Write(seq); w.Write(run.Kv); w.Write(run.Prompt); w.Write(run.Rate); w.Write(run.First); }
        _bins.Save(w);
        _busyBins.Save(w);
        _busyEnergyBins.Save(w);
    }

    public void Load(BinaryReader r)
    {
        _seq = r.ReadInt64(); _iterStart = r.ReadInt64(); _iterTokens = r.ReadDouble(); _clock = r.ReadInt64(); _billedTo = r.ReadInt64(); _prefillFree = r.ReadInt64(); _busyUntil = r.ReadInt64();
        _lastStart = r.ReadInt64(); _lastPrefill = r.ReadInt64();
        _active = r.ReadInt32(); _kv = r.ReadDouble(); _prefillLoad = r.ReadDouble(); _prefillMicros = r.ReadDouble(); _busyMicros = r.ReadDouble();
        _sequenceMicros = r.ReadDouble(); _prefillEnergyJ = r.ReadDouble(); _timeScale = r.ReadDouble(); _powerScale = r.ReadDouble();
        _livePrompts = r.ReadDouble(); _liveRate = r.ReadDouble(); _liveOffset = r.ReadDouble(); _peakLive = r.ReadDouble();
        _pending.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            long seq = r.ReadInt64(), at = r.ReadInt64();
            var shape = new RequestShape(r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            var req = new ReplicaRequest(at, shape, r.ReadInt64(), r.ReadInt32(), r.ReadDouble());
            _pending.Enqueue(req, (at, seq));
        }
        _forming.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            long at = r.ReadInt64();
            var shape = new RequestShape(r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            _forming.Add(new ReplicaRequest(at, shape, r.ReadInt64(), r.ReadInt32(), r.ReadDouble()));
        }
        _ends.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            long end = r.ReadInt64(), seq = r.ReadInt64();
            _ends.Enqueue(new Running(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadInt64()), (end, seq));
        }
        _bins.Load(r);
        _busyBins.Load(r);
        _busyEnergyBins.Load(r);
    }
}

/// <summary>Amounts by dispatch interval, from the first interval not taken yet on (a list, not a tree: requests add to
/// the current interval and the next few).</summary>
internal sealed class IntervalBins
{
    private readonly List<double> _values = [];
    private long _first;   // interval of _values[0]

    /// <summary>Adds <paramref name="amount"/> to interval <paramref name="k"/> (to the first one not taken if it is earlier).</summary>
    public void Add(long k, double amount)
    {
        long i = Math.Max(0, k - _first);
        while (_values.Count <= i) _values.Add(0);
        _values[(int)i] += amount;
    }

    /// <summary>Removes and sums the intervals before <paramref name="last"/>.</summary>
    public double TakeBefore(long last)
    {
        int n = (int)Math.Clamp(last - _first, 0, _values.Count);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += _values[i];
        _values.RemoveRange(0, n);
        if (last > _first) _first = last;
        return sum;
    }

    public void Save(BinaryWriter w)
    {
        w.Write(_first);
        w.Write(_values.Count);
        foreach (double v in _values) w.Write(v);
    }

    public void Load(BinaryReader r)
    {
        _first = r.ReadInt64();
        _values.Clear();
        for (int n = r.ReadInt32(); n > 0; n--) _values.Add(r.ReadDouble());
    }
}
