using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A grid region (province). Each dispatch interval k it:
/// (1) collects its plants' offers and its hubs' demands, clears them in merit order against its load
///     (background load × hourly profile + hub demand) and offers its surplus over its outbound links;
/// (2) if it has inbound links, waits for their offers, re-clears with imports in the merit order and
///     tells each link how much it takes;
/// (3) once every outbound link reported what was taken, dispatches its plants, grants its hubs their
///     power (pro rata when short) and books consumption, unserved load and curtailment.
/// Every step is triggered by counted messages, so the clearing never depends on arrival order; ties in
/// the merit order are broken by entity id.
/// </summary>
public sealed class Region : Entity
{
    private enum Stage : byte { Collecting, AwaitImports, AwaitAccepts, Done }

    private readonly SupplyChainModel _model;
    private readonly RegionSpec _spec;
    private readonly int[] _plants, _hubs, _inbound, _outbound;
    private readonly double[] _outboundCap;

    private long _interval = -1;
    private Stage _stage = Stage.Done;
    private readonly List<Offer> _offers = [];
    private readonly List<Demand> _demands = [];
    private readonly List<ExportOffer> _imports = [];
    private readonly Dictionary<int, double> _accepted = [];
    private double[] _localUsed = [];
    private double[] _exportCommitted = [];
    private readonly Dictionary<int, List<(int Offer, double MW)>> _blocks = [];
    private double _importUsed;
    private readonly Series<RegionSample> _series = new();

    public Region(SupplyChainModel model, int index)
    {
        _model = model;
        _spec = model.Spec.Regions[index];
        (_plants, _hubs, _inbound, _outbound) = model.RegionMembers(_spec.Id);
        _outboundCap = _outbound.Select(l => model.Spec.Links[model.IndexInKind(l)].CapacityMW).ToArray();
    }

    public Series<RegionSample> Series => _series;

    public override void Init(IEventContext ctx) => ctx.ScheduleSelf(SimTime.Zero, Tick.Instance);

    public override void Handle(IEventContext ctx, object? payload)
    {
        switch (payload)
        {
            case Tick:
                if (_stage != Stage.Done && _interval >= 0)
                    throw new InvalidOperationException($"region {_spec.Id}: interval {_interval} did not complete before the next one (dispatch interval too short for the message rounds)");
                _interval = _model.IntervalOf(ctx.Now.Micros);
                _offers.Clear(); _demands.Clear(); _imports.Clear(); _accepted.Clear(); _blocks.Clear();
                _importUsed = 0;
                _stage = Stage.Collecting;
                ctx.ScheduleSelf(new SimTime(_model.Spec.DispatchIntervalMicros), Tick.Instance);
                if (_plants.Length + _hubs.Length == 0) ClearLocal(ctx);
                break;
            case Offer o:
                Expect(o.Interval, Stage.Collecting, "offer");
                _offers.Add(o);
                if (_offers.Count + _demands.Count == _plants.Length + _hubs.Length) ClearLocal(ctx);
                break;
            case Demand d:
                Expect(d.Interval, Stage.Collecting, "demand");
                _demands.Add(d);
                if (_offers.Count + _demands.Count == _plants.Length + _hubs.Length) ClearLocal(ctx);
                break;
            case ExportOffer e:
                Expect(e.Interval, Stage.AwaitImports, "import offer");
                _imports.Add(e);
                if (_imports.Count == _inbound.Length) ClearWithImports(ctx);
                break;
            case ImportAccept a:
                Expect(a.Interval, Stage.AwaitAccepts, "acceptance");
                _accepted[a.Link] = a.MW;
                if (_accepted.Count == _outbound.Length) Finish(ctx);
                break;
        }
    }

    private void Expect(long interval, Stage stage, string what)
    {
        if (interval != _interval || _stage != stage)
            throw new InvalidOperationException($"region {_spec.Id}: {what} for interval {interval} arrived in stage {_stage} of interval {_interval}");
    }

    private double Load(long micros)
    {
        double hourLocal = (SimTime.ToHours(micros) + _spec.UtcOffsetHours) % 24;
        double f = _spec.LoadProfile is { Length: 24 } p ? p[(int)hourLocal % 24] : 1.0;
        return _spec.BackgroundLoadMW * f;
    }

    private double TotalLoad(long micros) => Load(micros) + _demands.Sum(d => d.MW);

    /// <summary>Offers in merit order: cost, then renewables first, then entity id.</summary>
    private void SortOffers() => _offers.Sort((a, b) =>
    {
        int c = a.Cost.CompareTo(b.Cost);
        if (c != 0) return c;
        c = b.Renewable.CompareTo(a.Renewable);
        return c != 0 ? c : a.Plant.CompareTo(b.Plant);
    });

    private void ClearLocal(IEventContext ctx)
    {
        SortOffers();
        _demands.Sort((a, b) => a.Hub.CompareTo(b.Hub));
        int n = _offers.Count;
        _localUsed = new double[n];
        _exportCommitted = new double[n];
        double remaining = TotalLoad(ctx.Now.Micros);
        for (int i = 0; i < n; i++)
        {
            double use = Math.Min(_offers[i].MW, remaining);
            _localUsed[i] = use;
            remaining -= use;
        }
        var energy = new ChannelId(SupplyChainModel.ChannelEnergy);
        for (int l = 0; l < _outbound.Length; l++)
        {
            double room = _outboundCap[l], offered = 0, cost = 0;
            var block = new List<(int, double)>();
            for (int i = 0; i < n && room > 1e-12; i++)
            {
                double free = _offers[i].MW - _localUsed[i] - _exportCommitted[i];
                if (free <= 1e-12) continue;
                double take = Math.Min(free, room);
                _exportCommitted[i] += take;
                block.Add((i, take));
                offered += take;
                cost += take * _offers[i].Cost;
                room -= take;
            }
            _blocks[_outbound[l]] = block;
            ctx.Send(new EntityId(_outbound[l]), SupplyChainModel.EnergyDelay,
                new ExportOffer(ctx.Self.Value, _interval, offered, offered > 0 ? cost / offered : 0), energy);
        }
        if (_inbound.Length > 0) _stage = Stage.AwaitImports;
        else if (_outbound.Length > 0) _stage = Stage.AwaitAccepts;
        else Finish(ctx);
    }

    private void ClearWithImports(IEventContext ctx)
    {
        _imports.Sort((a, b) => a.Link.CompareTo(b.Link));
        // One merit order over local offers (less what is committed to exports) and imports.
        var pool = new List<(double Cost, int Kind, int Id, int Index, double MW)>();
        for (int i = 0; i < _offers.Count; i++)
            pool.Add((_offers[i].Cost, _offers[i].Renewable ? 0 : 1, _offers[i].Plant, i, _offers[i].MW - _exportCommitted[i]));
        for (int j = 0; j < _imports.Count; j++)
            pool.Add((_imports[j].Cost, 2, _imports[j].Link, -1 - j, _imports[j].MW));
        pool.Sort((a, b) => a.Cost != b.Cost ? a.Cost.CompareTo(b.Cost) : a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : a.Id.CompareTo(b.Id));
        double remaining = TotalLoad(ctx.Now.Micros);
        Array.Clear(_localUsed);
        var importTaken = new double[_imports.Count];
        foreach (var p in pool)
        {
            double use = Math.Min(Math.Max(p.MW, 0), remaining);
            remaining -= use;
            if (p.Index >= 0) _localUsed[p.Index] = use;
            else importTaken[-1 - p.Index] = use;
        }
        _importUsed = importTaken.Sum();
        var energy = new ChannelId(SupplyChainModel.ChannelEnergy);
        for (int j = 0; j < _imports.Count; j++)
            ctx.Send(new EntityId(_imports[j].Link), SupplyChainModel.EnergyDelay, new ImportAccept(ctx.Self.Value, _interval, importTaken[j]), energy);
        if (_outbound.Length > 0) _stage = Stage.AwaitAccepts;
        else Finish(ctx);
    }

    private void Finish(IEventContext ctx)
    {
        var dispatched = (double[])_localUsed.Clone();
        double exported = 0;
        foreach (int link in _outbound)
        {
            double take = _accepted.TryGetValue(link, out var a) ? a : 0;
            exported += take;
            foreach (var (i, mw) in _blocks[link])
            {
                double part = Math.Min(mw, take);
                dispatched[i] += part;
                take -= part;
            }
        }
        var energy = new ChannelId(SupplyChainModel.ChannelEnergy);
        double curtailed = 0;
        for (int i = 0; i < _offers.Count; i++)
        {
            if (_offers[i].Renewable) curtailed += Math.Max(0, _offers[i].MW - dispatched[i]);
            ctx.Send(new EntityId(_offers[i].Plant), SupplyChainModel.EnergyDelay, new Dispatch(_interval, dispatched[i]), energy);
        }
        double load = TotalLoad(ctx.Now.Micros);
        double served = Math.Min(load, _localUsed.Sum() + _importUsed);
        double f = load > 0 ? served / load : 1;
        foreach (var d in _demands)
            ctx.Send(new EntityId(d.Hub), SupplyChainModel.EnergyDelay, new PowerGrant(_interval, d.MW * f, curtailed), energy);
        _series.Add(new RegionSample(ctx.Now.TotalHours, load, served, _importUsed, exported, curtailed));
        _stage = Stage.Done;
    }

    public override void Save(BinaryWriter w)
    {
        // State is saved between intervals (checkpoints happen at window boundaries; mid-interval
        // bookkeeping is saved too so that any boundary works).
        w.Write(_interval); w.Write((byte)_stage); w.Write(_importUsed);
        w.Write(_offers.Count); foreach (var o in _offers) SupplyChainCodec.Instance.Write(w, o);
        w.Write(_demands.Count); foreach (var d in _demands) SupplyChainCodec.Instance.Write(w, d);
        w.Write(_imports.Count); foreach (var e in _imports) SupplyChainCodec.Instance.Write(w, e);
        w.Write(_accepted.Count); foreach (var (k, v) in _accepted.OrderBy(x => x.Key)) { w.Write(k); w.Write(v); }
        WriteArray(w, _localUsed); WriteArray(w, _exportCommitted);
        w.Write(_blocks.Count);
        foreach (var (link, block) in _blocks.OrderBy(x => x.Key))
        {
            w.Write(link); w.Write(block.Count);
            foreach (var (i, mw) in block) { w.Write(i); w.Write(mw); }
        }
        _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _interval = r.ReadInt64(); _stage = (Stage)r.ReadByte(); _importUsed = r.ReadDouble();
        _offers.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _offers.Add((Offer)SupplyChainCodec.Instance.Read(r)!);
        _demands.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _demands.Add((Demand)SupplyChainCodec.Instance.Read(r)!);
        _imports.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _imports.Add((ExportOffer)SupplyChainCodec.Instance.Read(r)!);
        _accepted.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _accepted[r.ReadInt32()] = r.ReadDouble();
        _localUsed = ReadArray(r); _exportCommitted = ReadArray(r);
        _blocks.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            int link = r.ReadInt32();
            var block = new List<(int, double)>();
            for (int m = r.ReadInt32(); m > 0; m--) block.Add((r.ReadInt32(), r.ReadDouble()));
            _blocks[link] = block;
        }
        _series.Load(r);
    }

    private static void WriteArray(BinaryWriter w, double[] a) { w.Write(a.Length); foreach (var v in a) w.Write(v); }
    private static double[] ReadArray(BinaryReader r) { var a = new double[r.ReadInt32()]; for (int i = 0; i < a.Length; i++) a[i] = r.ReadDouble(); return a; }

    public override void WriteReport(BinaryWriter w) => _series.Save(w);

    public override void Describe(IDictionary<string, object?> d)
    {
        d["interval"] = _interval;
        d["stage"] = _stage.ToString();
        if (_series.Rows.Count > 0)
        {
            var last = _series.Rows[^1];
            d["loadMW"] = last.LoadMW; d["servedMW"] = last.ServedMW; d["importMW"] = last.ImportMW; d["exportMW"] = last.ExportMW; d["curtailedMW"] = last.CurtailedMW;
        }
    }
}

/// <summary>A region's dispatch interval: load (background + hubs), load served, imports, exports and curtailment (MW).</summary>
public readonly record struct RegionSample(double Hours, double LoadMW, double ServedMW, double ImportMW, double ExportMW, double CurtailedMW)
    : ISample<RegionSample>
{
    public static IReadOnlyList<string> Columns { get; } = ["hours", "load_mw", "served_mw", "import_mw", "export_mw", "curtailed_mw"];

    public double[] Values() => [Hours, LoadMW, ServedMW, ImportMW, ExportMW, CurtailedMW];

    public static RegionSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3], v[4], v[5]);
}

/// <summary>What a region reports: its series; complete intervals add to consumption and unserved load.</summary>
public sealed record RegionReport(Series<RegionSample> Series) : IEntityReport
{
    ISeries IEntityReport.Series => Series;

    public static RegionReport Read(BinaryReader r) => new(Series<RegionSample>.Read(r));

    public void AddTo(SupplyChainSummary s, string id)
    {
        double h = s.IntervalHours;
        foreach (var row in Series.Rows.Where(x => s.IsComplete(x.Hours)))
        {
            s.ConsumedMWh += row.ServedMW * h;
            s.UnservedMWh += (row.LoadMW - row.ServedMW) * h;
        }
    }
}
