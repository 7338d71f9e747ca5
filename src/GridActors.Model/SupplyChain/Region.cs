using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A grid region (province). Each dispatch interval k it:
/// (1) collects its plants' offers (with the floor each cannot go below: must-run, ramp-down, minimum stable output),
///     its storages' bids and its hubs' demands; reserves the output of dedicated export bases for their link; clears
///     its load (background load × hourly profile + hub demand) less what its imports will deliver at least — the
///     day-ahead plan of its scheduled inbound links (schedule less the band, less losses) and a persistence forecast of
///     the rest (the lower of the last two intervals' imports beyond the plan) —, taking every floor first, then the merit order (plants
///     above their floors and storage discharge); and offers what is left over its outbound links — links with a
///     day-ahead schedule first, up to the schedule plus the deviation band (the receiver must take the schedule less the
///     band), then merit-order links up to their capacity;
/// (2) if it has inbound links, waits for their offers and re-clears with them: floors (its own and the scheduled
///     imports' lower bands) first, then one merit order over its own offers, storage and imports; tells each link how
///     much it takes;
/// (3) once every outbound link reported what was taken, charges its storages from the surplus (must-run output nobody
///     took first, then renewables that would be curtailed), dispatches its plants and storages, grants its hubs their
///     power (pro rata when short) with the interval's price and carbon intensities, and records load, service, flows,
///     curtailment, its price and its carbon intensity.
/// Every step is triggered by counted messages, so the clearing never depends on arrival order; ties in the merit order
/// are broken by kind (renewables, other plants, imports, storage) and then entity id.
/// <para>Rules, documented here once:</para>
/// <list type="bullet">
/// <item>Floors beyond what load, links and storage absorb are backed down (the plant is dispatched below its floor);
///   the region never generates more than it places.</item>
/// <item>Storage discharges in the merit order at the cost it bids (see <see cref="Storage"/>), only to serve this
///   region's load (never exported); it charges only from surplus, after exports, and not in an interval it discharged.
///   Several storages charge in id order.</item>
/// <item>A plant's reserve (<see cref="Offer.ReserveMW"/>: a reservoir's water beyond its first-day share) serves only this
///   region's load, in the merit order at its reserve cost (a scarcity value above every plant's cost), so it is used
///   only when the region would otherwise be short; it is never exported.</item>
/// <item>A dedicated export base (a plant with <see cref="PlantSpec.ExportLink"/>) feeds its link first, up to the
///   link's upper band (its capacity when unscheduled); only its output beyond that joins the provincial pool. What the
///   link's receiver does not take of the reserved output is not used locally (the base is tied to its line): it is
///   curtailed (renewables) or not produced.</item>
/// <item>Price (<see cref="RegionSample.PriceUsdPerMWh"/>): the highest marginal cost of any supply used above a floor
///   in the interval (plant output, storage discharge, imports beyond a schedule's lower band, including plants running
///   for export); 0 when only floors and renewables were used.</item>
/// <item>Carbon intensity (<see cref="RegionSample.CarbonKgPerMWh"/>): the mean intensity of the supply that served
///   this region's load: local generation used locally (each plant's own intensity), imports at the intensity of the
///   block the exporter offered (its plants weighted by their MW in the block, per MWh delivered), storage discharge at 0.</item>
/// <item>Marginal carbon intensity (<see cref="RegionSample.MarginalCarbonKgPerMWh"/>): the intensity of the supply that set
///   the price (a plant's own, an import block's, 0 for storage; the dirtiest when several share the price); 0 when the
///   price is 0 (only floors and renewables were used: more load would have taken otherwise unused output).</item>
/// </list>
/// </summary>
public sealed class Region : Entity
{
    private enum Stage : byte { Collecting, AwaitImports, AwaitAccepts, Done }

    /// <summary>Supply below this (MW) is treated as none when deciding the price.</summary>
    private const double PriceEpsilonMW = 1e-9;

    /// <summary>Kinds of supply in the merit order; ties in cost are broken by kind, then entity id.</summary>
    private const int KindRenewable = 0, KindPlant = 1, KindImport = 2, KindStorage = 3, KindReserve = 4;

    private readonly SupplyChainModel _model;
    private readonly RegionSpec _spec;
    private readonly int[] _plants, _hubs, _inbound, _outbound, _storages;
    private readonly LinkSpec[] _outboundSpec;
    private readonly (LinkSpec Link, double SenderUtcOffset)[] _scheduledInbound; // inbound links with a day-ahead schedule
    private readonly int[] _exportOrder;                 // positions in _outbound: scheduled links first, then the rest, each in id order
    private readonly bool[] _hasBases;                   // by position in _outbound
    private readonly Dictionary<int, int> _baseLink = [];      // plant entity id → position in _outbound of the link it feeds first
    private readonly Dictionary<int, double> _carbon = [];     // plant entity id → kg CO2/MWh

    private long _interval = -1;
    private Stage _stage = Stage.Done;
    private readonly List<Offer> _offers = [];
    private readonly List<StorageBid> _bids = [];
    private readonly List<Demand> _demands = [];
    private readonly List<ExportOffer> _imports = [];
    private readonly Dictionary<int, double> _accepted = [];
    private double[] _localF = [], _localX = [];         // per offer: used locally from its floor and above it
    private double[] _exportF = [], _exportX = [];       // per offer: committed to export blocks from its floor and above it
    private double[] _storageUsed = [];                  // per storage bid: discharge used
    private double[] _reserveUsed = [];                  // per offer: used from its reserve (own load only)
    private double[] _importTaken = [];                  // per import: MW delivered taken
    private readonly Dictionary<int, List<(int Offer, bool Floor, double MW)>> _blocks = [];
    private double _importUsed;
    private double _beyondPlan1, _beyondPlan2;            // imports taken beyond the plan in the last two intervals (MW)
    private readonly Series<RegionSample> _series = new();

    public Region(SupplyChainModel model, int index)
    {
        _model = model;
        _spec = model.Spec.Regions[index];
        (_plants, _hubs, _inbound, _outbound, _storages) = model.RegionMembers(_spec.Id);
        _outboundSpec = _outbound.Select(l => model.Spec.Links[model.IndexInKind(l)]).ToArray();
        _scheduledInbound = _inbound.Select(l => model.Spec.Links[model.IndexInKind(l)]).Where(l => l.Schedule is { Length: 24 })
            .Select(l => (l, model.Spec.Regions[model.IndexInKind(model.RegionId(l.From))].UtcOffsetHours)).ToArray();
        _exportOrder = Enumerable.Range(0, _outbound.Length).OrderBy(p => _outboundSpec[p].Schedule is null ? 1 : 0).ToArray();
        _hasBases = new bool[_outbound.Length];
        foreach (int plant in _plants)
        {
            var ps = model.Spec.Plants[model.IndexInKind(plant)];
            _carbon[plant] = ps.CarbonKgPerMWh;
            if (ps.ExportLink is null) continue;
            int p = Array.FindIndex(_outboundSpec, l => l.Id == ps.ExportLink);
            if (p < 0) continue; // not a link out of this region: the plant is pooled (the schema refuses such files)
            _baseLink[plant] = p;
            _hasBases[p] = true;
        }
    }

    public Series<RegionSample> Series => _series;

    public override void Init(IEventContext ctx) => ctx.ScheduleSelf(SimTime.Zero, Tick.Instance);

    private int Members => _plants.Length + _hubs.Length + _storages.Length;

    public override void Handle(IEventContext ctx, object? payload)
    {
        switch (payload)
        {
            case Tick:
                if (_stage != Stage.Done && _interval >= 0)
                    throw new InvalidOperationException($"region {_spec.Id}: interval {_interval} did not complete before the next one (dispatch interval too short for the message rounds)");
                _interval = _model.IntervalOf(ctx.Now.Micros);
                _offers.Clear(); _bids.Clear(); _demands.Clear(); _imports.Clear(); _accepted.Clear(); _blocks.Clear();
                _importUsed = 0;
                _importTaken = [];
                _stage = Stage.Collecting;
                ctx.ScheduleSelf(new SimTime(_model.Spec.DispatchIntervalMicros), Tick.Instance);
                if (Members == 0) ClearLocal(ctx);
                break;
            case Offer o:
                Expect(o.Interval, Stage.Collecting, "offer");
                _offers.Add(o);
                if (Collected) ClearLocal(ctx);
                break;
            case StorageBid b:
                Expect(b.Interval, Stage.Collecting, "storage bid");
                _bids.Add(b);
                if (Collected) ClearLocal(ctx);
                break;
            case Demand d:
                Expect(d.Interval, Stage.Collecting, "demand");
                _demands.Add(d);
                if (Collected) ClearLocal(ctx);
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

    private bool Collected => _offers.Count + _demands.Count + _bids.Count == Members;

    private void Expect(long interval, Stage stage, string what)
    {
        if (interval != _interval || _stage != stage)
            throw new InvalidOperationException($"region {_spec.Id}: {what} for interval {interval} arrived in stage {_stage} of interval {_interval}");
    }

    /// <summary>Background load at <paramref name="micros"/>: the profile's value of the local hour (step), or interpolated
    /// linearly between the midpoints of the hours around it (linear, see <see cref="LoadShape"/>).</summary>
    private double Load(long micros)
    {
        if (_spec.LoadProfile is not { Length: 24 } p) return _spec.BackgroundLoadMW;
        if (_spec.LoadShape == LoadShape.Step) return _spec.BackgroundLoadMW * p[LocalHour(micros)];
        double t = (SimTime.ToHours(micros) + _spec.UtcOffsetHours) % 24 - 0.5;
        if (t < 0) t += 24;
        int h = (int)Math.Floor(t) % 24;
        double w = t - Math.Floor(t);
        return _spec.BackgroundLoadMW * (p[h] * (1 - w) + p[(h + 1) % 24] * w);
    }

    /// <summary>The interval's load: background load (see <see cref="Load"/>) at the interval's start (step) or midpoint
    /// (linear) — the same value in every stage of the interval — plus the hubs' demands.</summary>
    private double TotalLoad()
    {
        long start = _interval * _model.Spec.DispatchIntervalMicros;
        long at = _spec.LoadShape == LoadShape.Linear ? start + _model.Spec.DispatchIntervalMicros / 2 : start;
        return Load(at) + _demands.Sum(d => d.MW);
    }

    /// <summary>The local hour (0–23) of this region at a simulated time (also west of Greenwich before the first local
    /// midnight, where the hour of <c>hours + offset</c> is negative).</summary>
    private int LocalHour(long micros) => LocalHour(micros, _spec.UtcOffsetHours);

    private static int LocalHour(long micros, double utcOffsetHours)
    {
        double hour = (SimTime.ToHours(micros) + utcOffsetHours) % 24;
        return (int)(hour < 0 ? hour + 24 : hour) % 24;
    }

    /// <summary>What the scheduled inbound links will deliver at least this interval (the schedule less the deviation band,
    /// at the sender's local hour, less the line's losses): the day-ahead plan the region counts on when it decides what it
    /// can offer its own outbound links, before the actual import offers arrive.</summary>
    private double ScheduledImportsExpected() => ScheduledImportsExpected(_interval * _model.Spec.DispatchIntervalMicros);

    private double ScheduledImportsExpected(long micros)
    {
        double mw = 0;
        foreach (var (l, offset) in _scheduledInbound)
        {
            double target = l.Schedule![LocalHour(micros, offset)] * l.CapacityMW;
            double lower = Math.Clamp(target - l.Deviation * l.CapacityMW, 0, l.CapacityMW);
            mw += lower * (1 - Math.Clamp(l.LossPer1000Km * l.LengthKm / 1000.0, 0, Link.MaxLossFraction));
        }
        return mw;
    }

    /// <summary>What outbound link <paramref name="p"/> may carry this interval: up to <c>Upper</c>, and the receiver must
    /// take at least <c>Lower</c> — the schedule ± the deviation band for a scheduled link, [0, capacity] otherwise.</summary>
    private (double Upper, double Lower) Band(int p, long micros)
    {
        var l = _outboundSpec[p];
        if (l.Schedule is not { Length: 24 } schedule) return (l.CapacityMW, 0);
        double target = schedule[LocalHour(micros)] * l.CapacityMW, band = l.Deviation * l.CapacityMW;
        return (Math.Min(l.CapacityMW, target + band), Math.Clamp(target - band, 0, l.CapacityMW));
    }

    private double Floor(int i) => Math.Min(Math.Max(_offers[i].FloorMW, 0), _offers[i].MW);
    private double Flex(int i) => _offers[i].MW - Floor(i);
    private int KindOf(Offer o) => o.Renewable ? KindRenewable : KindPlant;

    /// <summary>Offers in merit order: cost, then renewables first, then entity id.</summary>
    private void SortOffers() => _offers.Sort((a, b) =>
    {
        int c = a.Cost.CompareTo(b.Cost);
        if (c != 0) return c;
        c = b.Renewable.CompareTo(a.Renewable);
        return c != 0 ? c : a.Plant.CompareTo(b.Plant);
    });

    /// <summary>One entry of a merit order: its cost, kind and id order it; <c>Index</c> points into the offers (≥ 0),
    /// the storage bids (<c>Kind</c> storage) or the imports (<c>Kind</c> import); <c>MW</c> is what it can give.</summary>
    private readonly record struct Supply(double Cost, int Kind, int Id, int Index, double MW);

    private static int MeritOrder(Supply a, Supply b) =>
        a.Cost != b.Cost ? a.Cost.CompareTo(b.Cost) : a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : a.Id.CompareTo(b.Id);

    private void ClearLocal(IEventContext ctx)
    {
        SortOffers();
        _bids.Sort((a, b) => a.Storage.CompareTo(b.Storage));
        _demands.Sort((a, b) => a.Hub.CompareTo(b.Hub));
        int n = _offers.Count;
        _localF = new double[n]; _localX = new double[n];
        _exportF = new double[n]; _exportX = new double[n];
        _storageUsed = new double[_bids.Count];
        _reserveUsed = new double[n];
        long now = ctx.Now.Micros;
        var bands = new (double Upper, double Lower)[_outbound.Length];
        for (int p = 0; p < _outbound.Length; p++) bands[p] = Band(p, now);

        // Dedicated export bases feed their link first, up to its upper band: floors, then output above them.
        foreach (int p in _exportOrder)
        {
            if (!_hasBases[p]) continue;
            var block = new List<(int, bool, double)>();
            double room = bands[p].Upper;
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i < n && room > 1e-12; i++)
                {
                    if (!_baseLink.TryGetValue(_offers[i].Plant, out int q) || q != p) continue;
                    double free = pass == 0 ? Floor(i) - _exportF[i] : Flex(i) - _exportX[i];
                    if (free <= 1e-12) continue;
                    double take = Math.Min(free, room);
                    if (pass == 0) _exportF[i] += take; else _exportX[i] += take;
                    block.Add((i, pass == 0, take));
                    room -= take;
                }
            _blocks[_outbound[p]] = block;
        }

        // The region's own load, less what its imports will deliver at least — the day-ahead plan of its scheduled links and
        // a persistence forecast of the rest (the lower of the last two intervals' imports beyond the plan) —: every floor
        // first, then the merit order. Counting the imports here lets a region that imports pass its own spare output on
        // (Jiangsu and Zhejiang to Shanghai) instead of holding it for load the imports will serve.
        double remaining = Math.Max(0, TotalLoad() - ScheduledImportsExpected() - Math.Min(_beyondPlan1, _beyondPlan2));
        for (int i = 0; i < n; i++)
        {
            double f = Floor(i) - _exportF[i];
            if (f <= 0) continue;
            double use = Math.Min(f, remaining);
            _localF[i] = use;
            remaining -= use;
        }
        var merit = new List<Supply>(n + _bids.Count);
        for (int i = 0; i < n; i++) merit.Add(new Supply(_offers[i].Cost, KindOf(_offers[i]), _offers[i].Plant, i, Flex(i) - _exportX[i]));
        for (int b = 0; b < _bids.Count; b++) merit.Add(new Supply(_bids[b].Cost, KindStorage, _bids[b].Storage, b, _bids[b].DischargeMW));
        AddReserves(merit);
        if (merit.Count > n) merit.Sort(MeritOrder);
        foreach (var s in merit)
        {
            double use = Math.Min(s.MW, remaining);
            switch (s.Kind)
            {
                case KindStorage: _storageUsed[s.Index] = use; break;
                case KindReserve: _reserveUsed[s.Index] = use; break;
                default: _localX[s.Index] = use; break;
            }
            remaining -= use;
        }

        // What is left goes to the outbound links: scheduled ones first, each up to its band (capacity if unscheduled).
        var energy = new ChannelId(SupplyChainModel.ChannelEnergy);
        foreach (int p in _exportOrder)
        {
            var block = _blocks.TryGetValue(_outbound[p], out var b0) ? b0 : [];
            double offered = 0, cost = 0, carbon = 0;
            foreach (var (i, _, mw) in block)
            {
                offered += mw;
                cost += mw * _offers[i].Cost;
                carbon += mw * _carbon[_offers[i].Plant];
            }
            double room = bands[p].Upper - offered;
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i < n && room > 1e-12; i++)
                {
                    double free = pass == 0 ? Floor(i) - _localF[i] - _exportF[i] : Flex(i) - _localX[i] - _exportX[i];
                    if (free <= 1e-12) continue;
                    double take = Math.Min(free, room);
                    if (pass == 0) _exportF[i] += take; else _exportX[i] += take;
                    block.Add((i, pass == 0, take));
                    offered += take;
                    cost += take * _offers[i].Cost;
                    carbon += take * _carbon[_offers[i].Plant];
                    room -= take;
                }
            _blocks[_outbound[p]] = block;
            ctx.Send(new EntityId(_outbound[p]), SupplyChainModel.EnergyDelay,
                new ExportOffer(ctx.Self.Value, _interval, offered, offered > 0 ? cost / offered : 0, Math.Min(offered, bands[p].Lower),
                    offered > 0 ? carbon / offered : 0), energy);
        }
        if (_inbound.Length > 0) _stage = Stage.AwaitImports;
        else if (_outbound.Length > 0) _stage = Stage.AwaitAccepts;
        else Finish(ctx);
    }

    private double ImportFloor(int j) => Math.Min(Math.Max(_imports[j].FloorMW, 0), Math.Max(_imports[j].MW, 0));

    private void ClearWithImports(IEventContext ctx)
    {
        _imports.Sort((a, b) => a.Link.CompareTo(b.Link));
        int n = _offers.Count;
        double remaining = TotalLoad();
        Array.Clear(_localF); Array.Clear(_localX); Array.Clear(_storageUsed); Array.Clear(_reserveUsed);
        _importTaken = new double[_imports.Count];

        // Floors first: the region's own (less what is committed to exports) and the scheduled imports' lower bands.
        var floors = new List<Supply>();
        for (int i = 0; i < n; i++)
            if (Floor(i) - _exportF[i] > 0) floors.Add(new Supply(_offers[i].Cost, KindOf(_offers[i]), _offers[i].Plant, i, Floor(i) - _exportF[i]));
        for (int j = 0; j < _imports.Count; j++)
            if (ImportFloor(j) > 0) floors.Add(new Supply(_imports[j].Cost, KindImport, _imports[j].Link, j, ImportFloor(j)));
        floors.Sort(MeritOrder);
        foreach (var s in floors)
        {
            double use = Math.Min(s.MW, remaining);
            remaining -= use;
            if (s.Kind == KindImport) _importTaken[s.Index] = use; else _localF[s.Index] = use;
        }

        // Then one merit order over local offers above their floors (less exports), storage and imports.
        var pool = new List<Supply>();
        for (int i = 0; i < n; i++)
            pool.Add(new Supply(_offers[i].Cost, KindOf(_offers[i]), _offers[i].Plant, i, Flex(i) - _exportX[i]));
        for (int j = 0; j < _imports.Count; j++)
            pool.Add(new Supply(_imports[j].Cost, KindImport, _imports[j].Link, j, _imports[j].MW - ImportFloor(j)));
        for (int b = 0; b < _bids.Count; b++)
            pool.Add(new Supply(_bids[b].Cost, KindStorage, _bids[b].Storage, b, _bids[b].DischargeMW));
        AddReserves(pool);
        pool.Sort(MeritOrder);
        foreach (var p in pool)
        {
            double use = Math.Min(Math.Max(p.MW, 0), remaining);
            remaining -= use;
            switch (p.Kind)
            {
                case KindImport: _importTaken[p.Index] += use; break;
                case KindStorage: _storageUsed[p.Index] = use; break;
                case KindReserve: _reserveUsed[p.Index] = use; break;
                default: _localX[p.Index] = use; break;
            }
        }
        _importUsed = _importTaken.Sum();
        (_beyondPlan2, _beyondPlan1) = (_beyondPlan1, Math.Max(0, _importUsed - ScheduledImportsExpected()));
        var energy = new ChannelId(SupplyChainModel.ChannelEnergy);
        for (int j = 0; j < _imports.Count; j++)
            ctx.Send(new EntityId(_imports[j].Link), SupplyChainModel.EnergyDelay, new ImportAccept(ctx.Self.Value, _interval, _importTaken[j]), energy);
        if (_outbound.Length > 0) _stage = Stage.AwaitAccepts;
        else Finish(ctx);
    }

    /// <summary>Adds the plants' reserves (see <see cref="Offer.ReserveMW"/>) to a merit order.</summary>
    private void AddReserves(List<Supply> merit)
    {
        for (int i = 0; i < _offers.Count; i++)
            if (_offers[i].ReserveMW > 0) merit.Add(new Supply(_offers[i].ReserveCost, KindReserve, _offers[i].Plant, i, _offers[i].ReserveMW));
    }

    private void Finish(IEventContext ctx)
    {
        int n = _offers.Count;
        var localUsed = new double[n];
        for (int i = 0; i < n; i++) localUsed[i] = _localF[i] + _localX[i] + _reserveUsed[i];
        var dispatched = (double[])localUsed.Clone();
        double exported = 0;
        foreach (int link in _outbound)
        {
            double take = _accepted.TryGetValue(link, out var a) ? a : 0;
            exported += take;
            foreach (var (i, _, mw) in _blocks[link])
            {
                double part = Math.Min(mw, take);
                dispatched[i] += part;
                take -= part;
            }
        }
        var charge = Charge(dispatched);
        var energy = new ChannelId(SupplyChainModel.ChannelEnergy);
        double curtailed = 0;
        for (int i = 0; i < n; i++)
            if (_offers[i].Renewable) curtailed += Math.Max(0, _offers[i].MW - dispatched[i]);
        var (price, marginalCarbon) = Marginal(dispatched);
        for (int i = 0; i < n; i++)
            ctx.Send(new EntityId(_offers[i].Plant), SupplyChainModel.EnergyDelay, new Dispatch(_interval, dispatched[i], price), energy);
        double discharged = 0;
        for (int b = 0; b < _bids.Count; b++)
        {
            discharged += _storageUsed[b];
            ctx.Send(new EntityId(_bids[b].Storage), SupplyChainModel.EnergyDelay,
                new StorageDispatch(_interval, _storageUsed[b] > 0 ? _storageUsed[b] : -charge[b], price), energy);
        }
        double load = TotalLoad();
        double supplied = localUsed.Sum() + _importUsed;
        if (_bids.Count > 0) supplied += discharged;
        double served = Math.Min(load, supplied);
        // Flexible demand, downwards: when the region is short, hubs shed what they offered (their power cap's saving)
        // before the shortfall is spread pro rata over the rest of the load (background load and the hubs' remainder).
        double flexDown = 0;
        foreach (var d in _demands) flexDown += d.FlexDownMW;
        double shed = Math.Min(Math.Max(0, load - served), flexDown), shedShare = flexDown > 0 ? shed / flexDown : 0;
        load -= shed;
        if (shed > 0) ctx.AddMetric(M.FlexShed, shed * _model.IntervalHours);
        double f = load > 0 ? Math.Min(1, served / load) : 1;
        double carbon = Carbon(localUsed, supplied);
        // Flexible demand: the renewable output about to be curtailed is offered to the hubs, pro rata to the load each
        // could add (it draws it by taking released batch work; its next demand then asks for it).
        double flex = _demands.Sum(d => d.FlexUpMW), share = flex > 0 ? Math.Min(1, curtailed / flex) : 0;
        foreach (var d in _demands)
            ctx.Send(new EntityId(d.Hub), SupplyChainModel.EnergyDelay,
                new PowerGrant(_interval, (d.MW - d.FlexDownMW * shedShare) * f, curtailed)
                { PriceUsdPerMWh = price, CarbonKgPerMWh = carbon, MarginalCarbonKgPerMWh = marginalCarbon, AbsorbableMW = d.FlexUpMW * share }, energy);
        _series.Add(new RegionSample(ctx.Now.TotalHours, load, served, _importUsed, exported, curtailed, price, carbon, marginalCarbon));
        _stage = Stage.Done;
    }

    /// <summary>Charges the storages that did not discharge (in id order, up to what each can take) from the surplus:
    /// floors nobody took first (so must-run output is not backed down while storage has room), then renewable output
    /// that would be curtailed, each in merit order. Adds what is taken to <paramref name="dispatched"/>; returns the
    /// charging power per storage bid.</summary>
    private double[] Charge(double[] dispatched)
    {
        var charge = new double[_bids.Count];
        if (_bids.Count == 0) return charge;
        double room = 0;
        for (int b = 0; b < _bids.Count; b++)
            if (_storageUsed[b] <= 0) room += Math.Max(0, _bids[b].ChargeMW);
        double taken = 0;
        for (int pass = 0; pass < 2 && room - taken > 1e-12; pass++)
            for (int i = 0; i < _offers.Count && room - taken > 1e-12; i++)
            {
                double surplus = pass == 0 ? Floor(i) - dispatched[i] : _offers[i].Renewable ? _offers[i].MW - dispatched[i] : 0;
                if (surplus <= 1e-12) continue;
                double take = Math.Min(surplus, room - taken);
                dispatched[i] += take;
                taken += take;
            }
        for (int b = 0; b < _bids.Count && taken > 0; b++)
        {
            if (_storageUsed[b] > 0) continue;
            charge[b] = Math.Min(Math.Max(0, _bids[b].ChargeMW), taken);
            taken -= charge[b];
        }
        return charge;
    }

    /// <summary>The interval's price — the highest marginal cost of supply used above a floor (see the class notes) — and
    /// the carbon intensity of that marginal supply (of the dirtiest one when several share the price; 0 at price 0).</summary>
    private (double Price, double MarginalCarbon) Marginal(double[] dispatched)
    {
        double price = 0, carbon = 0;
        void Consider(double cost, double kg)
        {
            if (cost > price || (cost == price && kg > carbon)) (price, carbon) = (cost, kg);
        }
        for (int i = 0; i < _offers.Count; i++)
            if (dispatched[i] > Floor(i) + PriceEpsilonMW) Consider(_offers[i].Cost, _carbon[_offers[i].Plant]);
        for (int b = 0; b < _bids.Count; b++)
            if (_storageUsed[b] > PriceEpsilonMW) Consider(_bids[b].Cost, 0);
        for (int i = 0; i < _reserveUsed.Length; i++)
            if (_reserveUsed[i] > PriceEpsilonMW) Consider(_offers[i].ReserveCost, _carbon[_offers[i].Plant]);
        for (int j = 0; j < _importTaken.Length; j++)
            if (_importTaken[j] > ImportFloor(j) + PriceEpsilonMW) Consider(_imports[j].Cost, _imports[j].CarbonKgPerMWh);
        return price > 0 ? (price, carbon) : (0, 0);
    }

    /// <summary>Mean carbon intensity of what served the region's load (kg CO2/MWh; 0 when nothing did).</summary>
    private double Carbon(double[] localUsed, double supplied)
    {
        if (supplied <= 0) return 0;
        double kg = 0;
        for (int i = 0; i < _offers.Count; i++) kg += localUsed[i] * _carbon[_offers[i].Plant];
        for (int j = 0; j < _importTaken.Length; j++) kg += _importTaken[j] * _imports[j].CarbonKgPerMWh;
        return kg / supplied;
    }

    public override void Save(BinaryWriter w)
    {
        // State is saved between intervals (checkpoints happen at window boundaries; mid-interval
        // bookkeeping is saved too so that any boundary works).
        w.Write(_interval); w.Write((byte)_stage); w.Write(_importUsed);
        w.Write(_beyondPlan1); w.Write(_beyondPlan2);
        w.Write(_offers.Count); foreach (var o in _offers) SupplyChainCodec.Instance.Write(w, o);
        w.Write(_bids.Count); foreach (var b in _bids) SupplyChainCodec.Instance.Write(w, b);
        w.Write(_demands.Count); foreach (var d in _demands) SupplyChainCodec.Instance.Write(w, d);
        w.Write(_imports.Count); foreach (var e in _imports) SupplyChainCodec.Instance.Write(w, e);
        w.Write(_accepted.Count); foreach (var (k, v) in _accepted.OrderBy(x => x.Key)) { w.Write(k); w.Write(v); }
        WriteArray(w, _localF); WriteArray(w, _localX); WriteArray(w, _exportF); WriteArray(w, _exportX);
        WriteArray(w, _storageUsed); WriteArray(w, _importTaken); WriteArray(w, _reserveUsed);
        w.Write(_blocks.Count);
        foreach (var (link, block) in _blocks.OrderBy(x => x.Key))
        {
            w.Write(link); w.Write(block.Count);
            foreach (var (i, floor, mw) in block) { w.Write(i); w.Write(floor); w.Write(mw); }
        }
        _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _interval = r.ReadInt64(); _stage = (Stage)r.ReadByte(); _importUsed = r.ReadDouble();
        _beyondPlan1 = r.ReadDouble(); _beyondPlan2 = r.ReadDouble();
        _offers.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _offers.Add((Offer)SupplyChainCodec.Instance.Read(r)!);
        _bids.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _bids.Add((StorageBid)SupplyChainCodec.Instance.Read(r)!);
        _demands.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _demands.Add((Demand)SupplyChainCodec.Instance.Read(r)!);
        _imports.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _imports.Add((ExportOffer)SupplyChainCodec.Instance.Read(r)!);
        _accepted.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _accepted[r.ReadInt32()] = r.ReadDouble();
        _localF = ReadArray(r); _localX = ReadArray(r); _exportF = ReadArray(r); _exportX = ReadArray(r);
        _storageUsed = ReadArray(r); _importTaken = ReadArray(r); _reserveUsed = ReadArray(r);
        _blocks.Clear();
        for (int n = r.ReadInt32(); n > 0; n--)
        {
            int link = r.ReadInt32();
            var block = new List<(int, bool, double)>();
            for (int m = r.ReadInt32(); m > 0; m--) block.Add((r.ReadInt32(), r.ReadBoolean(), r.ReadDouble()));
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
            d["priceUsdPerMWh"] = last.PriceUsdPerMWh; d["carbonKgPerMWh"] = last.CarbonKgPerMWh;
            d["marginalCarbonKgPerMWh"] = last.MarginalCarbonKgPerMWh;
        }
    }
}

/// <summary>A region's dispatch interval: load (background + hubs), load served, imports, exports and curtailment (MW),
/// the interval's price (marginal cost, USD/MWh), the mean carbon intensity of what served the load and the intensity of
/// the marginal supply (kg CO2/MWh); all are defined in <see cref="Region"/>'s notes.</summary>
public readonly record struct RegionSample(double Hours, double LoadMW, double ServedMW, double ImportMW, double ExportMW, double CurtailedMW,
    double PriceUsdPerMWh, double CarbonKgPerMWh, double MarginalCarbonKgPerMWh)
    : ISample<RegionSample>
{
    public static IReadOnlyList<string> Columns { get; } =
        ["hours", "load_mw", "served_mw", "import_mw", "export_mw", "curtailed_mw", "price_usd_per_mwh", "carbon_kg_per_mwh", "marginal_carbon_kg_per_mwh"];

    public double[] Values() => [Hours, LoadMW, ServedMW, ImportMW, ExportMW, CurtailedMW, PriceUsdPerMWh, CarbonKgPerMWh, MarginalCarbonKgPerMWh];

    public static RegionSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
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
