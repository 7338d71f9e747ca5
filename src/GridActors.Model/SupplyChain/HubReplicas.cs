using GridActors.Kernel;
using GridActors.Model.Serving;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// The replicas of a hub on accelerators (<see cref="HubSpec.Accelerator"/>), part of its <see cref="Hub"/>. Rules:
/// <list type="bullet">
/// <item>Consolidation (<see cref="HubSpec.Dispatch"/> <c>pack</c>; <c>spread</c> serves on every usable replica): the
///   hub packs its work onto as few replicas as keep each below <see cref="TargetUtilisation"/> of its capacity
///   (<see cref="Serving"/>); the other usable replicas are parked at idle power, ready to take work (those parked with
///   sequences running finish them first). The serving count follows the work in progress, looked at whenever a cohort
///   starts or ends (a cohort of one request counts as in progress at its origin's rate until the next is due, 1 ÷ that
///   rate): it rises as soon as more replicas are needed, and falls once fewer have been needed for
///   <see cref="HubSpec.ParkAfterMicros"/> (ESTIMATE, default 10 s: about the time a replica takes to finish its running
///   sequences, a chat answer of ~200 tokens at 20–50 ms each; parking at every cohort's end would leave many replicas
///   half-drained, which one simulated replica standing for the rest cannot show). A request's work is what it occupies
///   a replica for at full capacity: a prefill iteration of its own (β₀ + β₁ · its uncached prompt: the engine pays β₀ per
///   iteration, and at moderate load prompts seldom share one), and its output at a full batch's time per sequence (the
///   batch capped by the KV cache: prompt + output reserved per sequence, or prompt + half the output with live
///   admission). Prefill and decode add up on a colocated replica; a disaggregated one runs them side by side (the
///   larger counts).</item>
/// <item>Round robin: the requests of each arriving cohort go to the serving replicas in turn, continuing where the last
///   cohort stopped, so every serving replica sees the same stream (symmetry). The hub therefore simulates request by
///   request only <see cref="HubSpec.SimulatedReplicas"/> of them (<see cref="ReplicaEngine"/>, first come first served)
///   and lets each stand for serving ÷ simulated replicas: each simulated request stands for that many (the ratio when it
///   arrived, <see cref="ReplicaRequest.Weight"/>) in energy and latency samples; the busy periods' excess over idle and
///   busy time count the interval's mean serving count. With as many simulated replicas as replicas, it is an exact
///   request-by-request simulation of the hub.</item>
/// <item>A request's time to first token is the way there (hub arrival − creation, less the time the batch scheduler held
///   it), the replica's TTFT (waiting for admission, then its own prompt's prefill) and the way back; its time per output token is the replica's. Both are
///   recorded per origin and class, weighted so that each cohort's samples stand for its requests, with objective misses.
///   A request that would wait more than <see cref="HubSpec.MaxWaitMicros"/> for admission is dropped (queue overflow).</item>
/// <item>A cohort ends when the last of its simulated requests ends (a cohort none of whose requests landed on a simulated
///   replica: its span plus the mean time in the replica of the hub's recent requests); it is then served but for the
///   share of its simulated requests that was dropped.</item>
/// <item>Energy drawn is the engines' (idle power plus what each request added, by dispatch interval) × the replicas they
///   stand for, plus the parked replicas' idle power, × PUE, billed every interval (not the power granted). The hub asks
///   its region for last interval's draw plus 10 %, at least its replicas' idle power.</item>
/// <item>Under a shortfall the hub first caps power — clocks lowered so work takes 6.5 % longer for 23 % less energy, the
///   250 → 175 W trade-off of [A2] (power above idle × 0.77 ÷ 1.065) — and only if the capped draw still exceeds the grant
///   takes replicas out of service (they stop taking new requests; those running finish).</item>
/// <item>Capital: every accelerator's rental per hour, whether busy or not.</item>
/// </list>
/// </summary>
public sealed class HubReplicas
{
    /// <summary>Power capping [A2]: time × 1.065 (+6–7 % latency), energy × 0.77 (−23 %).</summary>
    public const double CapTimeScale = 1.065, CapEnergyScale = 0.77;

    /// <summary>Demand headroom over last interval's draw (ESTIMATE: the servers' forecast rule, 10 %).</summary>
    public const double DemandHeadroom = 1.1;

    /// <summary>Share of its capacity a serving replica is kept below (ESTIMATE: the 70 % the default's hubs are sized at,
    /// UTILISATION_TARGET in tools/serving_catalogue.py; the queue's waits stay short below it).</summary>
    public const double TargetUtilisation = 0.7;

    private readonly SupplyChainModel _model;
    private readonly HubSpec _hub;
    private readonly AcceleratorSpec _acc;
    private readonly ReplicaEngine[] _engines;
    private readonly Dictionary<long, Cohort> _cohorts = [];
    private readonly SortedDictionary<(int Origin, int Class), ClassLatency> _latency = [];
    private readonly List<ServedRequest> _done = [];
    private readonly List<Cohort> _inProgress = [];   // cohorts whose requests are arriving, in order of admission
    private readonly Rng?[] _rngs;                   // per simulated replica, from the run seed at the first cohort
    private readonly double[] _unit;                 // per simulated replica: merged intensity left to its next arrival
    private long _extendedTo;
    private double _rate;                            // Λ: requests per µs of the cohorts in progress
    private int _up, _usable, _serving;
    private long _pointer;          // round robin: the replica the next request goes to, modulo the serving replicas
    private double _workPrefill, _workDecode;            // replica-µs per µs the cohorts in progress need (prefill, decode)
    private readonly List<(long End, double Prefill, double Decode)> _singles = [];   // one-request cohorts' work per µs until
                                                                                    // their origin's next is due (1 ÷ its rate)
    private long _lastBill, _servingSince, _raisedAt;
    private double _servingMicros;   // ∫ serving dt from the last bill to _servingSince (replica-µs)
    private readonly Dictionary<(int Origin, bool RealTime), (double Prefill, double Decode)> _workPerRequest = [];
    private bool _capped;
    private double _lastItMW;       // IT power drawn over the last interval (MW)
    private double _inputSeen, _outputSeen;   // input and output tokens served so far: the mix for TokensPerSecondPerReplica
    private double _typicalMicros;  // mean time of recent requests in a replica (arrival to end), µs
    private double _prefillMicros, _prefillJ;   // engines' prefill time and prefill energy already counted
    private double _intervalWaitSum, _intervalWaits, _intervalDrops;   // admission waits (µs, weighted) and drops since the last bill

    private sealed class Cohort
    {
        public required Bundle Bundle;
        public long Id;                   // its key in the hub (origin, bundle id)
        public ulong Key;
        public int Simulated, Done, Dropped;
        public long End, MaxEnd;          // End: when its last request arrives
        public double Rate, TtftMicrosSum;   // Rate: its requests per µs while in progress
        public double PrefillWork, DecodeWork;   // replica-µs per request (derived from its mix, not saved)
        public (RequestClassSpec, ClassLatency)?[]? Classes;   // its origin's classes and their records, as met (not saved)
    }

    public HubReplicas(SupplyChainModel model, HubSpec hub)
    {
        _model = model;
        _hub = hub;
        _acc = model.Spec.Accelerators.First(a => a.Id == hub.Accelerator);
        var spec = _acc.Replica;
        int simulated = Math.Clamp(hub.SimulatedReplicas, 1, Math.Max(1, hub.Replicas));
        _engines = [.. Enumerable.Range(0, simulated).Select(_ => new ReplicaEngine(spec, model.Spec.DispatchIntervalMicros) { MaxWaitMicros = hub.MaxWaitMicros })];
        _up = _usable = hub.Replicas;
        _serving = hub.Replicas;
        _rngs = new Rng[simulated];
        _unit = new double[simulated];
        _typicalMicros = spec.StepBaseMicros * (1 + 300);   // until requests tell: a prompt and ~300 tokens at batch 1
    }

    public int Replicas => _hub.Replicas;
    public int Up => _up;
    public int Usable => _usable;

    /// <summary>Replicas that take new requests (the others usable are parked at idle).</summary>
    public int Serving => _serving;

    /// <summary>Replicas serving on average over the interval last billed.</summary>
    public double ServingMean { get; private set; }
    public bool Capped => _capped;
    public int CohortsInService => _cohorts.Count;

    /// <summary>Most KV tokens a simulated replica held at once, as a share of its cache.</summary>
    public double PeakKvShare => _engines.Max(e => e.PeakKvShare);
    public IReadOnlyDictionary<(int Origin, int Class), ClassLatency> Latency => _latency;

    /// <summary>Simulated replicas fed (those below the serving count).</summary>
    private int Active => Math.Min(_engines.Length, _serving);

    /// <summary>Replicas a simulated replica stands for with <paramref name="serving"/> serving (1 when every serving replica
    /// is simulated).</summary>
    private double Weight(double serving) => Math.Max(1.0, serving / _engines.Length);

    /// <summary>Replica-µs of prefill and decode one request of <paramref name="b"/>'s kind occupies a replica for at full
    /// capacity (see the class notes), per origin and kind.</summary>
    private (double Prefill, double Decode) WorkPerRequest(Bundle b)
    {
        if (_workPerRequest.TryGetValue((b.Origin, b.RealTime), out var w)) return w;
        double prompt = 0, cached = 0, output = 0;
        foreach (var (_, input, c, o) in MixOf(b).Tokens(1)) { prompt += input; cached += c; output += o; }
        var r = _acc.Replica;
        double kvPerSequence = Math.Max(1, prompt + (r.KvAdmission == KvAdmission.Live ? output / 2 : output));
        int n = (int)Math.Clamp(Math.Floor(r.KvCapacityTokens / kvPerSequence), 1, Math.Max(1, r.MaxBatch));
        double prefill = r.StepBaseMicros + (prompt - cached) * r.StepPerPrefillTokenMicros;
        double decode = output * r.IterationMicros(n, 0) / n;
        return _workPerRequest[(b.Origin, b.RealTime)] = (prefill, decode);
    }

    /// <summary>Replicas needed to serve <paramref name="prefill"/> and <paramref name="decode"/> replica-µs per µs below the
    /// target utilisation, within 1 … usable.</summary>
    private int Needed(double prefill, double decode)
    {
        if (_hub.Dispatch == ReplicaDispatch.Spread) return Math.Max(1, _usable);
        double work = _acc.Replica.Disaggregated ? Math.Max(prefill, decode) : prefill + decode;
        return (int)Math.Clamp(Math.Ceiling(work / TargetUtilisation - 1e-9), 1, Math.Max(1, _usable));
    }

    /// <summary>Sets the serving count from the work in progress at <paramref name="t"/>.</summary>
    private void Consolidate(long t)
    {
        int needed = Needed(_workPrefill, _workDecode);
        if (needed > _serving || t - _raisedAt >= _hub.ParkAfterMicros || needed >= _usable) SetServing(t, needed);
        if (needed >= _serving) _raisedAt = t;   // the count was needed now: parking waits from here
    }

    private void SetServing(long t, int serving)
    {
        serving = Math.Clamp(serving, 1, Math.Max(1, _usable));
        if (serving == _serving) return;
        if (t > _servingSince) { _servingMicros += _serving * (double)(t - _servingSince); _servingSince = t; }
        _serving = serving;
    }

    private Cohorts.ClassMix MixOf(Bundle b) => _model.MixOf(_model.IndexInKind(b.Origin), b.RealTime);

    private RequestClassSpec Class(int origin, int c) => _model.ClassesOf(_model.IndexInKind(origin))[c];

    private static long Key(int origin, long id) => ((long)origin << 40) | (id & 0xFF_FFFF_FFFFL);

    /// <summary>Takes cohort <paramref name="b"/> (arrived now) and returns when its last request arrives (the hub's
    /// <see cref="CohortDue"/>): a cohort of one request is that request, handed to its replica in turn if that one is
    /// simulated; a larger cohort joins the requests in progress, whose merged rate the simulated replicas draw their
    /// arrivals from until its span is over.</summary>
    public long Admit(IEventContext ctx, Bundle b)
    {
        long now = ctx.Now.Micros;
        if (_rngs[0] is null)
            for (int j = 0; j < _rngs.Length; j++)
            {
                _rngs[j] = Rng.ForEntity(ctx.RunSeed, $"hub/{_hub.Id}/replica/{j}");
                _unit[j] = Cohorts.Gamma(Math.Max(1, _serving), _rngs[j]!);
            }
        Extend(now);
        long id = Key(b.Origin, b.Id);
        var c = new Cohort { Bundle = b, Id = id, Key = Cohorts.Key(ctx.RunSeed, b.Origin, b.Id), End = now };
        (c.PrefillWork, c.DecodeWork) = WorkPerRequest(b);
        if (b.Requests == 1)
        {
            double rate = b.RatePerSecond > 0 ? b.RatePerSecond / SimTime.MicrosPerSecond : 1e-6;   // per µs (unknown: 1/s)
            _singles.Add((now + Math.Max(1, (long)Math.Round(1 / rate)), rate * c.PrefillWork, rate * c.DecodeWork));
            int serving = Math.Max(1, _serving);
            int j = (int)(_pointer % serving);
            _pointer = (_pointer + 1) % serving;
            if (j < Active) Submit(j, c, id, now);
        }
        else
        {
            long span = Cohorts.SpanMicros(c.Key, b.Requests, b.RatePerSecond);
            c.End = now + span;
            c.Rate = b.Requests / (double)span;
            _inProgress.Add(c);
        }
        SumRates();   // summed afresh in order (not running sums) so that a resumed run adds exactly the same
        Consolidate(now);
        _cohorts.Add(id, c);
        Advance(ctx, now);
        return c.End;
    }

    private void Submit(int engine, Cohort c, long id, long at)
    {
        var (cls, shape) = MixOf(c.Bundle).Request(c.Key, c.Simulated++, c.Bundle.Id, c.Bundle.Requests);
        _engines[engine].Submit(new ReplicaRequest(at, shape, id, cls, Weight(_serving)));
    }

    /// <summary>Draws the simulated replicas' arrivals up to <paramref name="now"/> from the cohorts in progress: replica j
    /// gets every serving-th request of their merged stream (round robin), so its gaps hold Gamma(serving) units of the merged
    /// intensity Λ (requests per µs, piecewise constant between the cohorts' ends); each arrival is a request of a cohort
    /// picked in proportion to its rate. Everything that decides an arrival before <paramref name="now"/> is known by then,
    /// so the draws do not depend on how often the hub extends them.</summary>
    private void Extend(long now)
    {
        long t = _extendedTo;
        while (t < now)
        {
            long b = now;
            foreach (var c in _inProgress) b = Math.Min(b, Math.Max(t, c.End));
            foreach (var x in _singles) b = Math.Min(b, Math.Max(t, x.End));
            if (_rate > 0)
                for (int j = 0; j < Active; j++)
                {
                    double available = _rate * (b - t), used = 0;
                    while (_unit[j] <= available - used)
                    {
                        used += _unit[j];
                        long at = Math.Min(b, t + (long)Math.Round(used / _rate));
                        double pick = _rngs[j]!.NextDouble() * _rate, acc = 0;
                        var chosen = _inProgress[^1];
                        foreach (var c in _inProgress)
                        {
                            acc += c.Rate;
                            if (pick < acc) { chosen = c; break; }
                        }
                        Submit(j, chosen, chosen.Id, at);
                        _unit[j] = Cohorts.Gamma(Math.Max(1, _serving), _rngs[j]!);
                    }
                    _unit[j] -= available - used;
                }
            t = b;
            if (_inProgress.RemoveAll(c => c.End <= t) + _singles.RemoveAll(x => x.End <= t) > 0) { SumRates(); Consolidate(t); }
        }
        _extendedTo = Math.Max(_extendedTo, now);
    }

    private void SumRates()
    {
        _rate = _workPrefill = _workDecode = 0;
        foreach (var c in _inProgress)
        {
            _rate += c.Rate;
            _workPrefill += c.Rate * c.PrefillWork;
            _workDecode += c.Rate * c.DecodeWork;
        }
        foreach (var x in _singles)
        {
            _workPrefill += x.Prefill;
            _workDecode += x.Decode;
        }
    }

    /// <summary>When cohort (<paramref name="origin"/>, <paramref name="id"/>) ends, asked at or after its due time (every
    /// simulated request of it has arrived): <c>Settled</c> with its end, or not yet settled — some of its requests wait for a
    /// prefill iteration that starts later — with when to ask again.</summary>
    public (bool Settled, long At) EndOf(IEventContext ctx, int origin, long id)
    {
        long now = ctx.Now.Micros;
        Advance(ctx, now);
        var c = _cohorts[Key(origin, id)];
        if (c.Simulated == 0) return (true, now + (long)Math.Round(_typicalMicros));
        if (c.Done + c.Dropped < c.Simulated)
            return (false, Math.Max(now + 1, _engines.Max(e => e.OpenIterationStart ?? now + 1)));
        return (true, Math.Max(now, c.MaxEnd));
    }

    /// <summary>Closes cohort <paramref name="b"/>: its requests served and dropped, and the tokens the served ones stand for
    /// (input, of which cached, and output; also added to its classes' records).</summary>
    public (int Served, int Dropped, double Input, double Cached, double Output) Finish(Bundle b)
    {
        long id = Key(b.Origin, b.Id);
        var c = _cohorts[id];
        _cohorts.Remove(id);
        int dropped = c.Simulated == 0 ? 0 : (int)Math.Round((double)b.Requests * c.Dropped / c.Simulated);
        double inputs = 0, cacheds = 0, outputs = 0;
        foreach (var (cls, input, cached, output) in MixOf(b).Tokens(b.Requests - dropped))
        {
            var lat = LatencyOf(b.Origin, cls);
            lat.InputTokens += input;
            lat.CachedTokens += cached;
            lat.OutputTokens += output;
            inputs += input;
            cacheds += cached;
            outputs += output;
        }
        return (b.Requests - dropped, dropped, inputs, cacheds, outputs);
    }

    /// <summary>Mean time to first token at the hub of the cohort's simulated requests (µs; the typical time otherwise).</summary>
    public long MeanTtftMicros(Bundle b)
    {
        var c = _cohorts[Key(b.Origin, b.Id)];
        int served = c.Done;
        return served > 0 ? (long)Math.Round(c.TtftMicrosSum / served) : (long)Math.Round(_typicalMicros);
    }

    /// <summary>Advances every engine to <paramref name="now"/> and files what became of the requests served on the way.</summary>
    public void Advance(IEventContext ctx, long now)
    {
        if (_rngs[0] is not null) Extend(now);
        _done.Clear();
        foreach (var e in _engines) e.Advance(now, _done);
        double misses = 0, waitSum = 0, waits = 0;
        foreach (var s in _done)
        {
            if (!_cohorts.TryGetValue(s.Request.Cohort, out var c)) continue;   // its cohort was dropped (hub failure)
            double weight = s.Request.Weight;   // the requests it stands for: the serving replicas ÷ simulated when it arrived
            if (s.Dropped) { c.Dropped++; _intervalDrops += weight; continue; }
            c.Done++;
            waitSum += (s.StartMicros - s.Request.ArrivalMicros) * weight;
            waits += weight;
            _intervalWaitSum += (s.StartMicros - s.Request.ArrivalMicros) * weight;
            _intervalWaits += weight;
            c.MaxEnd = Math.Max(c.MaxEnd, s.EndMicros);
            c.TtftMicrosSum += s.TtftMicros;
            var b = c.Bundle;
            var (cls, lat) = ClassOf(c, s.Request.Tag);
            long way = b.HubArrival - b.CreatedAt - b.HeldMicros;   // a held batch request's latency counts from its release
            double ttftMs = (2 * way + s.TtftMicros) / 1000.0, tpotMs = s.TpotMicros / 1000.0;
            lat.Ttft.Add(ttftMs, weight);
            if (s.Request.Shape.OutputTokens > 1) lat.Tpot.Add(tpotMs, weight);
            if (ttftMs > cls.SloTtftMs || (s.Request.Shape.OutputTokens > 1 && tpotMs > cls.SloTpotMs)) { lat.SloMisses += weight; misses += weight; }
            _typicalMicros += (s.EndMicros - s.Request.ArrivalMicros - _typicalMicros) * 0.01;
        }
        if (misses > 0) ctx.AddMetric(M.SloViolations, misses);
        if (waits > 0)
        {
            ctx.AddMetric(M.WaitSum, waitSum);
            ctx.AddMetric(M.WaitCount, waits);
        }
    }

    /// <summary>Class <paramref name="tag"/> of cohort <paramref name="c"/>'s origin and its latency record (looked up once
    /// per cohort and class).</summary>
    private (RequestClassSpec Spec, ClassLatency Latency) ClassOf(Cohort c, int tag)
    {
        var classes = c.Classes ??= new (RequestClassSpec, ClassLatency)?[_model.ClassesOf(_model.IndexInKind(c.Bundle.Origin)).Count];
        return classes[tag] ??= (Class(c.Bundle.Origin, tag), LatencyOf(c.Bundle.Origin, tag));
    }

    private ClassLatency LatencyOf(int origin, int cls)
    {
        if (!_latency.TryGetValue((origin, cls), out var lat)) _latency[(origin, cls)] = lat = new ClassLatency();
        return lat;
    }

    /// <summary>Drops everything (the hub failed): the cohorts in service are lost.</summary>
    public void Clear()
    {
        foreach (var e in _engines) e.Clear();
        _cohorts.Clear();
        _inProgress.Clear();
        _singles.Clear();
        _rate = _workPrefill = _workDecode = 0;
    }

    /// <summary>Replicas not failed: <paramref name="up"/> of the hub's; new requests go to the usable ones among them.</summary>
    public void SetUp(long now, int up)
    {
        _up = Math.Clamp(up, 0, _hub.Replicas);
        _usable = Math.Min(_usable, _up);
        if (_usable == 0 && _up > 0) _usable = _up;
        Consolidate(now);
    }

    private double IdleReplicaW => _acc.Replica.PowerW(false, 0);
    private double MaxReplicaW => Math.Max(_acc.Replica.PowerW(true, 1), _acc.Replica.PowerW(false, _acc.MaxBatch));

    /// <summary>IT energy the replicas drew since the last bill (MWh), and busy accelerator-hours; advances every engine.
    /// <paramref name="now"/> is the start of a dispatch interval.</summary>
    public (double ItMWh, double BusyAcceleratorHours, double PrefillAcceleratorHours, double PrefillItMWh) Bill(IEventContext ctx, long now)
    {
        Advance(ctx, now);
        // Every usable replica draws idle power; on top, what the requests on the engines below the usable count added, each
        // weighted by the requests it stands for, and their busy periods' excess weighted by the replicas an engine stood for
        // over the interval (its mean serving count ÷ simulated): a replica woken starts idle, while the simulated one may be
        // mid-busy-period, so busy time follows the serving count, not the requests (engines past it finish what they had).
        int active = Math.Min(_engines.Length, _usable);
        double since = Math.Max(0, now - _lastBill);
        double servingMean = since > 0 ? (_servingMicros + _serving * (double)(now - _servingSince)) / since : _serving;
        double stood = Weight(servingMean);
        ServingMean = servingMean;
        double j = _usable * IdleReplicaW * since / 1e6, busy = 0;
        for (int i = 0; i < _engines.Length; i++)
        {
            var (requestsJ, busyJ) = _engines[i].TakeAboveIdleJ(now);
            double b = _engines[i].TakeBusyMicros(now);
            if (i < active) { j += requestsJ + busyJ * stood; busy += b * stood; }
        }
        double it = j / SupplyChainSummary.JoulesPerMWh;
        double allPrefill = _engines.Take(active).Sum(e => e.PrefillMicros);
        double busyHours = busy * _acc.PerReplica / SimTime.MicrosPerHour;
        // Prefill occupies the replica's prefill accelerators (all of them when it is not disaggregated).
        int prefillers = _acc.PrefillPerReplica > 0 ? _acc.PrefillPerReplica : _acc.PerReplica;
        double prefillHours = Math.Max(0, allPrefill - _prefillMicros) * prefillers / SimTime.MicrosPerHour;
        double allPrefillJ = _engines.Take(active).Sum(e => e.PrefillEnergyJ);
        double prefillMWh = Math.Max(0, allPrefillJ - _prefillJ) / SupplyChainSummary.JoulesPerMWh;
        _prefillMicros = allPrefill;
        _prefillJ = allPrefillJ;
        _intervalWaitSum = _intervalWaits = _intervalDrops = 0;
        _lastItMW = it / _model.IntervalHours;
        _servingMicros = 0;
        _servingSince = now;
        Consolidate(now);
        _lastBill = now;
        return (it, busyHours, prefillHours, prefillMWh);
    }

    /// <summary>Mean admission wait (ms) of the requests admitted since the last bill, and the requests dropped for waiting
    /// too long; read before <see cref="Bill"/> resets them.</summary>
    public (double WaitMs, double Dropped) Congestion => (_intervalWaits > 0 ? _intervalWaitSum / _intervalWaits / 1000 : 0, _intervalDrops);

    /// <summary>Tokens per second the hub could serve on top of <paramref name="served"/> (last interval's): twice that, at
    /// least what its replicas up serve flat out for the mix of input and output tokens the hub has served so far
    /// (<see cref="TokensPerSecondPerReplica"/>), less what it served — so released batch work at most doubles per interval
    /// above that floor.</summary>
    public double SpareTokensPerSecond(double served) =>
        Math.Max(0, Math.Max(2 * served, _up * TokensPerSecondPerReplica()) - served);

    /// <summary>Adds an interval's served input and output tokens to the hub's mix.</summary>
    public void NoteMix(double input, double output)
    {
        _inputSeen += input;
        _outputSeen += output;
    }

    /// <summary>Tokens (input + output) per second one replica serves flat out for the hub's mix so far, with φ the input
    /// share: prompts at the long-prefill rate P (1 ÷ β₁, cache hits counted as prefilled: a floor) and outputs at a full
    /// batch's decode rate D. Colocated, prefill and decode share the replica's time: 1 ÷ (φ/P + (1 − φ)/D); disaggregated,
    /// they run side by side: min(P/φ, D/(1 − φ)). Before any token, all output (D): the most conservative mix.</summary>
    public double TokensPerSecondPerReplica()
    {
        var r = _acc.Replica;
        double decode = r.DecodeTokensPerSecond(r.MaxBatch), prefill = r.PrefillTokensPerSecond, all = _inputSeen + _outputSeen;
        if (!(all > 0) || double.IsInfinity(prefill)) return decode;
        double phi = _inputSeen / all;
        if (r.Disaggregated) return Math.Min(phi > 0 ? prefill / phi : double.PositiveInfinity, phi < 1 ? decode / (1 - phi) : double.PositiveInfinity);
        return 1 / (phi / prefill + (1 - phi) / decode);
    }

    /// <summary>IT power of the replicas up at idle (MW).</summary>
    public double IdleMW => _up * IdleReplicaW / 1e6;

    /// <summary>Facility power the replicas up could still add over last interval's draw, decoding full batches (MW).</summary>
    public double HeadroomMW() => Math.Max(0, _up * MaxReplicaW / 1e6 - _lastItMW) * _hub.Pue;

    /// <summary>Facility power (MW) of <paramref name="demandMW"/> the hub could shed and still serve on every replica: what the
    /// power cap saves above idle [A2] (1 − 0.77 ÷ 1.065 of it, the work taking 6.5 % longer).</summary>
    public double SheddableMW(double demandMW)
    {
        double idle = _up * IdleReplicaW / 1e6 * _hub.Pue;
        return Math.Max(0, demandMW - idle) * (1 - CapEnergyScale / CapTimeScale);
    }

    /// <summary>Facility power to ask for the next interval (MW).</summary>
    public double DemandMW()
    {
        double idle = _up * IdleReplicaW / 1e6, max = _up * MaxReplicaW / 1e6;
        return Math.Clamp(_lastItMW * DemandHeadroom, idle, Math.Max(idle, max)) * _hub.Pue;
    }

    /// <summary>Applies a grant of <paramref name="grantMW"/> against <paramref name="demandMW"/>: no cap when it covers the
    /// demand; otherwise the power cap, and if the capped demand is still short, only as many replicas as it can run.
    /// Returns the usable replicas.</summary>
    public int Grant(long now, double grantMW, double demandMW)
    {
        double idle = _up * IdleReplicaW / 1e6 * _hub.Pue;
        double capped = idle + Math.Max(0, demandMW - idle) * CapEnergyScale / CapTimeScale;
        bool cap = grantMW < demandMW * (1 - 1e-9);
        _usable = !cap || grantMW >= capped * (1 - 1e-9) ? _up
            : (int)Math.Clamp(Math.Floor(_up * grantMW / Math.Max(1e-12, capped) + 1e-9), 0, _up);
        Consolidate(now);
        if (cap != _capped)
        {
            _capped = cap;
            foreach (var e in _engines) e.SetCap(cap ? CapTimeScale : 1, cap ? CapEnergyScale / CapTimeScale : 1);
        }
        return _usable;
    }

    /// <summary>Capital cost of an interval (USD) and its accelerator-hours: every accelerator's rental.</summary>
    public (double Usd, double AcceleratorHours) Capital(double hours)
    {
        double h = (double)_hub.Replicas * _acc.PerReplica * hours;
        return (h * _acc.RentalUsdPerHour, h);
    }


    public void Save(BinaryWriter w)
    {
        w.Write(_up); w.Write(_usable); w.Write(_pointer); w.Write(_capped); w.Write(_lastItMW); w.Write(_typicalMicros); w.Write(_prefillMicros); w.Write(_prefillJ);
        w.Write(_extendedTo); w.Write(_intervalWaitSum); w.Write(_intervalWaits); w.Write(_intervalDrops);
        w.Write(_rngs[0] is not null);
        for (int j = 0; j < _rngs.Length; j++) { _rngs[j]?.Save(w); w.Write(_unit[j]); }
        w.Write(_inProgress.Count);
        foreach (var c in _inProgress) w.Write(c.Id);
        foreach (var e in _engines) e.Save(w);
        w.Write(_cohorts.Count);
        foreach (var (id, c) in _cohorts.OrderBy(x => x.Key))
        {
            SupplyChainCodec.WriteBundle(w, c.Bundle);
            w.Write(c.Key); w.Write(c.Simulated); w.Write(c.Done); w.Write(c.Dropped); w.Write(c.End); w.Write(c.MaxEnd); w.Write(c.Rate); w.Write(c.TtftMicrosSum);
        }
        w.Write(_latency.Count);
        foreach (var ((o, cl), l) in _latency) { w.Write(o); w.Write(cl); l.Save(w); }
        w.Write(_inputSeen); w.Write(_outputSeen);
        w.Write(_serving); w.Write(_lastBill); w.Write(_servingSince); w.Write(_servingMicros); w.Write(_raisedAt); w.Write(ServingMean);
        w.Write(_singles.Count);
        foreach (var (end, p, d) in _singles) { w.Write(end); w.Write(p); w.Write(d); }
    }

    public void Load(BinaryReader r)
    {
        _up = r.ReadInt32(); _usable = r.ReadInt32(); _pointer = r.ReadInt64(); _capped = r.ReadBoolean(); _lastItMW = r.ReadDouble();
        _typicalMicros = r.ReadDouble(); _prefillMicros = r.ReadDouble(); _prefillJ = r.ReadDouble();
        _extendedTo = r.ReadInt64(); _intervalWaitSum = r.ReadDouble(); _intervalWaits = r.ReadDouble(); _intervalDrops = r.ReadDouble();
        bool seeded = r.ReadBoolean();
        for (int j = 0; j < _rngs.Length; j++) { _rngs[j] = seeded ? Rng.Load(r) : null; _unit[j] = r.ReadDouble(); }
        _inProgress.Clear();
        var inProgress = new long[r.ReadInt32()];
        for (int n = 0; n < inProgress.Length; n++) inProgress[n] = r.ReadInt64();
        foreach (var e in _engines) e.Load(r);
        _cohorts.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            var c = new Cohort { Bundle = SupplyChainCodec.ReadBundle(r) };
            c.Key = r.ReadUInt64(); c.Simulated = r.ReadInt32(); c.Done = r.ReadInt32(); c.Dropped = r.ReadInt32(); c.End = r.ReadInt64(); c.MaxEnd = r.ReadInt64();
            c.Rate = r.ReadDouble(); c.TtftMicrosSum = r.ReadDouble();
            c.Id = Key(c.Bundle.Origin, c.Bundle.Id);
            _cohorts.Add(c.Id, c);
        }
        _inProgress.Clear();
        foreach (long id in inProgress) _inProgress.Add(_cohorts[id]);
        _latency.Clear();
        for (int n = r.ReadInt32(); n > 0; n--) _latency[(r.ReadInt32(), r.ReadInt32())] = ClassLatency.Read(r);
        _inputSeen = r.ReadDouble(); _outputSeen = r.ReadDouble();
        _serving = r.ReadInt32(); _lastBill = r.ReadInt64(); _servingSince = r.ReadInt64(); _servingMicros = r.ReadDouble(); _raisedAt = r.ReadInt64();
        ServingMean = r.ReadDouble();
        _singles.Clear();
        for (int n = r.ReadInt32(); n > 0; n--) _singles.Add((r.ReadInt64(), r.ReadDouble(), r.ReadDouble()));
        foreach (var c in _cohorts.Values) (c.PrefillWork, c.DecodeWork) = WorkPerRequest(c.Bundle);
        SumRates();   // Λ and the work in progress are derived from the cohorts, not saved
    }
}

/// <summary>Per origin and class at a hub: time to first token and time per output token (ms, per request), requests
/// over an objective, and tokens served (input, of which cached, and output).</summary>
public sealed class ClassLatency
{
    public LatencyHistogram Ttft { get; } = new();
    public LatencyHistogram Tpot { get; } = new();
    public double SloMisses { get; set; }
    public double InputTokens { get; set; }
    public double CachedTokens { get; set; }
    public double OutputTokens { get; set; }

    public void Merge(ClassLatency other)
    {
        Ttft.Merge(other.Ttft); Tpot.Merge(other.Tpot);
        SloMisses += other.SloMisses; InputTokens += other.InputTokens; CachedTokens += other.CachedTokens; OutputTokens += other.OutputTokens;
    }

    public void Save(BinaryWriter w)
    {
        Ttft.Save(w); Tpot.Save(w);
        w.Write(SloMisses); w.Write(InputTokens); w.Write(CachedTokens); w.Write(OutputTokens);
    }

    public static ClassLatency Read(BinaryReader r)
    {
        var l = new ClassLatency();
        l.Ttft.Load(r); l.Tpot.Load(r);
        l.SloMisses = r.ReadDouble(); l.InputTokens = r.ReadDouble(); l.CachedTokens = r.ReadDouble(); l.OutputTokens = r.ReadDouble();
        return l;
    }
}
