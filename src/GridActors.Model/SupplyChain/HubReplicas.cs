using GridActors.Kernel;
using GridActors.Model.Serving;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// The replicas of a hub on accelerators (<see cref="HubSpec.Accelerator"/>), part of its <see cref="Hub"/>: one
/// <see cref="ReplicaEngine"/> per replica. Rules:
/// <list type="bullet">
/// <item>A cohort (a bundle with a class) is spread over the usable replicas request by request, round robin (each request
///   to the next replica after the previous request's that has room for it in its batch and KV cache) — as its requests,
///   arriving one by one, would have been; each replica gets its part as one engine cohort.
///   When a request finds no room the whole cohort waits (first come, first served, real-time first).</item>
/// <item>Each request's time to first token is the way there (hub arrival − creation), the wait at the hub, the
///   replica's TTFT (its prompt's prefill after the prompts before it) and the way back (the same path); its time per
///   output token is the replica's. Both are recorded per origin and class, with objective misses.</item>
/// <item>Energy drawn is the engines' integral of their phase powers × PUE, billed every dispatch interval (not the
///   power granted). The hub asks its region for the power its replicas drew last interval plus 10 %, at least the
///   replicas' idle power, and all replicas at prefill power while cohorts wait.</item>
/// <item>Under a shortfall, replicas beyond what the grant can run at prefill power take no new cohorts (those running
///   finish).</item>
/// <item>Capital: every accelerator's rental per hour, whether busy or not.</item>
/// </list>
/// </summary>
public sealed class HubReplicas
{
    private readonly SupplyChainModel _model;
    private readonly HubSpec _hub;
    private readonly AcceleratorSpec _acc;
    private readonly ReplicaEngine[] _engines;
    private readonly Dictionary<(int Origin, long Id), int[]> _where = [];
    private readonly SortedDictionary<(int Origin, int Class), ClassLatency> _latency = [];
    private int _usable;
    private int _next;                 // the replica the next request tries first (round robin)
    private double _billedJ;           // engine energy already billed (J, IT level)
    private double _lastIntervalMW;    // IT power drawn over the last interval (MW)

    public HubReplicas(SupplyChainModel model, HubSpec hub)
    {
        _model = model;
        _hub = hub;
        _acc = model.Spec.Accelerators.First(a => a.Id == hub.Accelerator);
        var spec = _acc.Replica;
        _engines = [.. Enumerable.Range(0, hub.Replicas).Select(_ => new ReplicaEngine(spec))];
        _usable = hub.Replicas;
    }

    public int Replicas => _engines.Length;
    public int Usable => _usable;
    public int Busy => _engines.Count(e => e.ActiveSequences > 0);
    public IReadOnlyDictionary<(int Origin, int Class), ClassLatency> Latency => _latency;

    /// <summary>Largest power of one replica (prefill, W).</summary>
    private double MaxReplicaW => _acc.Replica.PowerW(true, _acc.MaxBatch);
    private double IdleReplicaW => _acc.Replica.PowerW(false, 0);

    /// <summary>The class of a cohort from its origin.</summary>
    private RequestClassSpec ClassOf(Bundle b) => _model.Spec.Users[_model.IndexInKind(b.Origin)].Classes[b.Class];

    /// <summary>Admits <paramref name="b"/> if a usable replica has room: records its requests' latencies and returns the
    /// release time and the cohort's mean time to first token at the hub (µs); false when it must wait.</summary>
    public bool TryAdmit(IEventContext ctx, Bundle b, out long release, out long meanTtftMicros)
    {
        release = 0;
        meanTtftMicros = 0;
        var cls = ClassOf(b);
        var shapes = new RequestShape[cls.CohortSize];
        Cohorts.Draw(cls, Cohorts.Key(ctx.RunSeed, b.Origin, b.Id), b.RatePerSecond, shapes);
        long now = ctx.Now.Micros;
        foreach (var e in _engines) e.Advance(now);
        var extraSeq = new int[_usable];
        var extraKv = new double[_usable];
        var assign = new int[shapes.Length];
        int next = _next;
        for (int i = 0; i < shapes.Length; i++)
        {
            int best = -1;
            for (int step = 0; step < _usable && best < 0; step++)
            {
                int j = (next + step) % _usable;
                if (_engines[j].CanAdmit(extraSeq[j] + 1, extraKv[j] + shapes[i].KvTokens)) best = j;
            }
            if (best < 0) return false;
            next = (best + 1) % Math.Max(1, _usable);
            assign[i] = best;
            extraSeq[best]++;
            extraKv[best] += shapes[i].KvTokens;
        }
        _next = next;
        var used = new List<int>();
        var served = new ServedRequest[shapes.Length];
        for (int j = 0; j < _usable; j++)
        {
            if (extraSeq[j] == 0) continue;
            var part = new RequestShape[extraSeq[j]];
            var partServed = new ServedRequest[extraSeq[j]];
            int n = 0;
            for (int i = 0; i < shapes.Length; i++) if (assign[i] == j) part[n++] = shapes[i];
            release = Math.Max(release, _engines[j].Admit(Id(b), part, now, partServed));
            n = 0;
            for (int i = 0; i < shapes.Length; i++) if (assign[i] == j) served[i] = partServed[n++];
            used.Add(j);
        }
        _where[(b.Origin, b.Id)] = [.. used];
        long way = b.HubArrival - b.CreatedAt, wait = now - b.HubArrival;
        if (!_latency.TryGetValue((b.Origin, b.Class), out var lat)) _latency[(b.Origin, b.Class)] = lat = new ClassLatency();
        double input = 0, cached = 0, output = 0, ttftSum = 0;
        int misses = 0;
        for (int i = 0; i < served.Length; i++)
        {
            double ttftMs = (way + wait + served[i].TtftMicros + way) / 1000.0;
            double tpotMs = served[i].TpotMicros / 1000.0;
            lat.Ttft.Add(ttftMs, 1);
            lat.Tpot.Add(tpotMs, 1);
            if (ttftMs > cls.SloTtftMs || tpotMs > cls.SloTpotMs) { misses++; lat.SloMisses++; }
            input += shapes[i].PromptTokens;
            cached += shapes[i].PromptTokens * shapes[i].CachedShare;
            output += shapes[i].OutputTokens;
            ttftSum += served[i].TtftMicros;
        }
        lat.InputTokens += input;
        lat.CachedTokens += cached;
        lat.OutputTokens += output;
        if (misses > 0) ctx.AddMetric(M.SloViolations, misses);
        meanTtftMicros = wait + (long)Math.Round(ttftSum / served.Length);
        return true;
    }

    /// <summary>Frees the replica of cohort <paramref name="b"/>; false if it is not running (lost in a failure).</summary>
    public bool Release(Bundle b, long now)
    {
        if (!_where.Remove((b.Origin, b.Id), out var used)) return false;
        foreach (int i in used) _engines[i].Release(Id(b), now);
        return true;
    }

    /// <summary>Drops every running cohort (the hub failed); returns their keys.</summary>
    public void Clear(long now)
    {
        foreach (var ((origin, id), used) in _where.OrderBy(x => x.Key))
            foreach (int i in used) _engines[i].Release(Id(origin, id), now);
        _where.Clear();
    }

    private static long Id(Bundle b) => Id(b.Origin, b.Id);
    private static long Id(int origin, long id) => ((long)origin << 40) ^ id;

    /// <summary>Energy the replicas drew since the last bill (MWh at the facility: IT × PUE); advances every engine.</summary>
    public double Bill(long now)
    {
        double j = 0;
        foreach (var e in _engines) { e.Advance(now); j += e.EnergyJ; }
        double it = (j - _billedJ) / 3.6e9;
        _billedJ = j;
        _lastIntervalMW = it / _model.IntervalHours;
        return it * _hub.Pue;
    }

    /// <summary>Facility power to ask for the next interval (MW).</summary>
    public double DemandMW(bool waiting)
    {
        double idle = _engines.Length * IdleReplicaW / 1e6;
        double max = _engines.Length * MaxReplicaW / 1e6;
        double it = waiting ? max : Math.Clamp(_lastIntervalMW * 1.1, idle, max);
        return it * _hub.Pue;
    }

    /// <summary>Sets how many replicas may take new cohorts under <paramref name="grantMW"/> (all when the grant covers the
    /// demand); returns the number.</summary>
    public int Grant(double grantMW, double demandMW)
    {
        _usable = grantMW >= demandMW * (1 - 1e-9) ? _engines.Length
            : (int)Math.Clamp(Math.Floor(grantMW / _hub.Pue * 1e6 / MaxReplicaW + 1e-9), 0, _engines.Length);
        return _usable;
    }

    /// <summary>Capital cost of an interval (USD): every accelerator's rental.</summary>
    public double CapitalUsd(double hours) => _engines.Length * _acc.PerReplica * _acc.RentalUsdPerHour * hours;

    public void Save(BinaryWriter w)
    {
        w.Write(_usable); w.Write(_next); w.Write(_billedJ); w.Write(_lastIntervalMW);
        foreach (var e in _engines) e.Save(w);
        w.Write(_where.Count);
        foreach (var ((o, id), used) in _where.OrderBy(x => x.Key)) { w.Write(o); w.Write(id); w.Write(used.Length); foreach (int i in used) w.Write(i); }
        w.Write(_latency.Count);
        foreach (var ((o, c), l) in _latency) { w.Write(o); w.Write(c); l.Save(w); }
    }

    public void Load(BinaryReader r)
    {
        _usable = r.ReadInt32(); _next = r.ReadInt32(); _billedJ = r.ReadDouble(); _lastIntervalMW = r.ReadDouble();
        foreach (var e in _engines) e.Load(r);
        _where.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            var key = (r.ReadInt32(), r.ReadInt64());
            var used = new int[r.ReadInt32()];
            for (int i = 0; i < used.Length; i++) used[i] = r.ReadInt32();
            _where[key] = used;
        }
        _latency.Clear();
        for (int n = r.ReadInt32(); n > 0; n--) _latency[(r.ReadInt32(), r.ReadInt32())] = ClassLatency.Read(r);
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
