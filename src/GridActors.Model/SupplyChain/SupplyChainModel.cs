using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// Metric ids of the supply-chain model (declared once; totals are summed in entity-id order and hashed into the digest).
/// Every metric is written by an entity and read by <see cref="SupplyChainSummary"/> (a test checks both). Energy per
/// interval is not a metric: plants, regions and links record it in their series, which the summary reads.
/// </summary>
public static class M
{
    public static readonly string[] Names =
    [
        "energy.hub_mwh", "energy.carbon_t",
        "requests.arrived", "requests.completed", "requests.dropped.queue_overflow", "requests.dropped.hub_down",
        "requests.dropped.no_route", "requests.dropped.cable_cut", "requests.slo_violations", "requests.rerouted",
        "hub.received", "hub.served", "hub.dropped", "hub.wait_us_sum", "hub.wait_count",
        "tokens.served", "tokens.arrived",
        "cost.electricity_usd", "cost.capital_usd", "cost.network_usd",
        "net.requests_sent", "net.requests_received", "net.responses_sent", "net.responses_received",
        "cost.startup_usd",
        "energy.it_mwh", "serving.accelerator_hours", "serving.busy_accelerator_hours",
        "tokens.input", "tokens.cached", "tokens.output", "revenue.usd",
        "energy.prefill_it_mwh",
        "requests.dropped.deadline_missed", "batch.held", "batch.released", "batch.done", "batch.late",
        "requests.dropped.congestion", "requests.dropped.lost_in_flight", "requests.dropped.path_down",
        "net.bytes_sent", "net.bytes_carried", "net.bytes_dropped",
        "energy.flex_shed_mwh",
    ];

    public const int HubEnergy = 0, Carbon = 1;
    public const int Arrived = 2, Completed = 3, DropQueue = 4, DropHubDown = 5, DropNoRoute = 6, DropCableCut = 7, SloViolations = 8, Rerouted = 9;
    public const int HubReceived = 10, HubServed = 11, HubDropped = 12, WaitSum = 13, WaitCount = 14;
    public const int TokensServed = 15, TokensArrived = 16;
    public const int CostElectricity = 17, CostCapital = 18, CostNetwork = 19;
    public const int NetRequestsSent = 20, NetRequestsReceived = 21, NetResponsesSent = 22, NetResponsesReceived = 23;
    /// <summary>Start-up cost of thermal units (USD): MW brought online above a plant's online capacity × its start-up cost.</summary>
    public const int StartupCost = 24;
    /// <summary>The serving model's accounting, read into <see cref="SupplyChainSummary"/> for <see cref="CostDrivers"/>: IT energy
    /// drawn (MWh, before PUE), accelerator-hours provisioned and busy, input tokens (of which <c>tokens.cached</c> hit the
    /// prefix cache), output tokens, and list-price revenue (USD).</summary>
    public const int ItEnergy = 25, AcceleratorHours = 26, BusyAcceleratorHours = 27, InputTokens = 28, CachedTokens = 29, OutputTokens = 30, Revenue = 31;

    /// <summary>IT energy drawn while prefilling by the accelerators that prefill (MWh): the input tokens' share.</summary>
    public const int PrefillItEnergy = 32;

    /// <summary>Batch work with deadlines (requests): dropped because no hub could take it before its deadline, taken in
    /// and released by the batch scheduler, completed, and of those completed after their deadline.</summary>
    public const int DropDeadline = 33, BatchHeld = 34, BatchReleased = 35, BatchDone = 36, BatchLate = 37;

    /// <summary>Requests dropped on cables: beyond capacity, on a cable when it was cut, through a failed landing station or segment.</summary>
    public const int DropCongestion = 38, DropLostInFlight = 39, DropPathDown = 40;

    /// <summary>Bytes of requests put on cables by user regions and the batch scheduler, and what the cables carried or dropped
    /// (tokens × <see cref="NetworkSpec.BytesPerToken"/>).</summary>
    public const int BytesSent = 41, BytesCarried = 42, BytesDropped = 43;

    /// <summary>Hub load a short region shed as flexible demand (MWh): hubs that power-cap instead of leaving other load unserved.</summary>
    public const int FlexShed = 44;
}

/// <summary>
/// The token supply chain as a kernel model: plants, regions, links, hubs, cables, user regions, storages and a
/// fault timeline, each an entity exchanging energy and request messages (no Akka here).
/// </summary>
public sealed class SupplyChainModel : ISimModel, ITopology
{
    public const int ChannelEnergy = 0, ChannelNetwork = 1, ChannelControl = 2;
    /// <summary>Delay of every energy-dispatch message (the energy channel's lookahead).</summary>
    public static readonly SimTime EnergyDelay = SimTime.FromSeconds(1);
    /// <summary>Smallest network delay; also the control channel's delay.</summary>
    public static readonly SimTime MinNetworkDelay = SimTime.FromSeconds(0.001);

    public SupplyChainSpec Spec { get; }
    private readonly int[] _first;   // first entity id of each kind (index as in EntityKinds.All), then the entity count
    private readonly string[] _keys;
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);

    public SupplyChainModel(SupplyChainSpec spec)
    {
        Spec = spec;
        _index = new Lazy<Index>(() => new Index(this), LazyThreadSafetyMode.ExecutionAndPublication);
        var kinds = EntityKinds.All;
        var ids = kinds.Select(k => k.Ids(spec)).ToArray();
        _first = new int[kinds.Count + 1];
        for (int k = 0; k < kinds.Count; k++) _first[k + 1] = _first[k] + ids[k].Count;
        _keys = new string[_first[^1]];
        for (int k = 0; k < kinds.Count; k++)
            for (int i = 0; i < ids[k].Count; i++) _keys[_first[k] + i] = kinds[k].Key(ids[k][i]);
        for (int i = 0; i < _keys.Length; i++)
            if (!_byKey.TryAdd(_keys[i], i)) throw new ArgumentException($"duplicate entity id '{_keys[i]}'");
        Channels =
        [
            new ChannelSpec("energy", EnergyDelay),
            new ChannelSpec("network", MinNetworkDelay),
            new ChannelSpec("control", MinNetworkDelay),
        ];
        if (spec.DispatchIntervalMicros < 10 * EnergyDelay.Micros)
            throw new ArgumentException($"dispatch interval must be at least {10 * EnergyDelay.TotalSeconds} s");
    }

    public string Name => "supply-chain:" + Spec.Name;
    public int EntityCount => _keys.Length;
    public string EntityKey(int id) => _keys[id];
    public int IdOf(string key) => _byKey.TryGetValue(key, out var id) ? id : throw new KeyNotFoundException($"unknown entity '{key}'");
    public bool TryIdOf(string key, out int id) => _byKey.TryGetValue(key, out id);
    public IReadOnlyList<ChannelSpec> Channels { get; }
    public IReadOnlyList<string> MetricNames => M.Names;
    public IPayloadCodec Codec => SupplyChainCodec.Instance;

    /// <summary>The first entity id of <paramref name="kind"/>; its entities are numbered consecutively from there.</summary>
    public int First(EntityKind kind) => _first[KindIndex(kind)];

    /// <summary>How many entities of <paramref name="kind"/> the model has.</summary>
    public int Count(EntityKind kind) => _first[KindIndex(kind) + 1] - _first[KindIndex(kind)];

    /// <summary>The entity ids of <paramref name="kind"/>.</summary>
    public IEnumerable<int> IdsOf(EntityKind kind) => Enumerable.Range(First(kind), Count(kind));

    /// <summary>The kind of entity <paramref name="id"/> (from the id ranges of the kind table).</summary>
    public EntityKind KindOf(int id)
    {
        if ((uint)id >= (uint)_keys.Length) throw new ArgumentOutOfRangeException(nameof(id), $"no entity #{id} in {Name}");
        int k = 0;
        while (id >= _first[k + 1]) k++;
        return EntityKinds.All[k];
    }

    /// <summary>Position of entity <paramref name="id"/> among the entities of its kind (its index in the spec's list).</summary>
    public int IndexInKind(int id) => id - First(KindOf(id));

    /// <summary>The entity id of <paramref name="id"/> of <paramref name="kind"/>.</summary>
    public int IdOf(EntityKind kind, string id) => IdOf(kind.Key(id));

    public int TimelineId => First(EntityKinds.Timeline);
    public int RegionId(string region) => IdOf(EntityKinds.Region, region);
    public int HubId(string hub) => IdOf(EntityKinds.Hub, hub);
    public int CableId(string cable) => IdOf(EntityKinds.Cable, cable);

    private static int KindIndex(EntityKind kind)
    {
        var all = EntityKinds.All;
        for (int k = 0; k < all.Count; k++)
            if (ReferenceEquals(all[k], kind)) return k;
        throw new ArgumentException($"entity kind '{kind.Name}' is not in the kind table");
    }

    public Entity CreateEntity(int id)
    {
        var kind = KindOf(id);
        return kind.Create(this, id - First(kind));
    }

    /// <summary>The entities a fault is sent to (a fault on <c>all</c>, e.g. a demand spike, goes to every entity of its target kind).</summary>
    public IEnumerable<int> FaultTargets(FaultSpec f)
    {
        var info = FaultKinds.Info(FaultKinds.Parse(f.Kind));
        if (info.TargetsAll && f.Target == "all") return IdsOf(info.Target);
        return [IdOf(info.Target, f.Target)];
    }

    /// <summary>
    /// The events of fault <paramref name="f"/> injected from outside the model as injection number <paramref name="index"/>:
    /// a begin signal to every target at its start and, with a duration, an end signal. Their keys derive from the
    /// index only, so a replay that delivers them up front reproduces the live run exactly.
    /// </summary>
    public SimEvent[] InjectionEvents(int index, FaultSpec f)
    {
        var kind = FaultKinds.Parse(f.Kind);
        var targets = FaultTargets(f).ToArray();
        var events = new List<SimEvent>(targets.Length * 2);
        long seq = (long)index << 24;
        foreach (int t in targets)
            events.Add(SimEvent.External(f.StartMicros, seq++, t, new FaultSignal(kind, true, f.Fraction, f.Multiplier, f.RampMicros, f.DurationMicros)));
        if (f.DurationMicros > 0)
            foreach (int t in targets)
                events.Add(SimEvent.External(f.StartMicros + f.DurationMicros, seq++, t, new FaultSignal(kind, false, f.Fraction, f.Multiplier, f.RampMicros, f.DurationMicros)));
        return [.. events];
    }

    /// <summary>User regions (entity ids) with a route to the hub or over the cable named <paramref name="id"/>:
    /// the only ones that hear its status (so status traffic grows with routes, not hubs × users).</summary>
    public int[] SubscribersOf(string id, bool cable) =>
        (cable ? _index.Value.CableSubscribers : _index.Value.HubSubscribers).TryGetValue(id, out var users) ? users.ToArray() : [];

    /// <summary>User regions (and the batch scheduler) with a route through landing station or segment <paramref name="element"/>
    /// (entity id), and the cables of those routes, in id order.</summary>
    public (int[] Users, int[] Cables) SubscribersOfElement(int element) =>
        _index.Value.ElementSubscribers.TryGetValue(element, out var s) ? ([.. s.Users], [.. s.Cables]) : ([], []);

    /// <summary>The landing stations of cable <paramref name="cable"/> (entity ids, in id order): those its routes pass
    /// (a route's first landing station after the cable).</summary>
    public int[] LandingsOf(int cable) => _index.Value.CableLandings.TryGetValue(cable, out var s) ? [.. s] : [];

    /// <summary>The other cables of cable <paramref name="cable"/>'s group (entity ids, in id order; empty without a group).</summary>
    public int[] GroupPeersOf(int cable)
    {
        var group = Spec.Cables[IndexInKind(cable)].Group;
        if (group is null) return [];
        int first = First(EntityKinds.Cable);
        return [.. Enumerable.Range(0, Spec.Cables.Count).Where(i => first + i != cable && Spec.Cables[i].Group == group).Select(i => first + i)];
    }

    /// <summary>Plants, hubs, inbound/outbound links and storages of a region (entity ids, in id order).</summary>
    public (int[] Plants, int[] Hubs, int[] Inbound, int[] Outbound, int[] Storages) RegionMembers(string region) =>
        _index.Value.Regions.TryGetValue(region, out var m)
            ? (m.Plants.ToArray(), m.Hubs.ToArray(), m.Inbound.ToArray(), m.Outbound.ToArray(), m.Storages.ToArray())
            : ([], [], [], [], []);

    /// <summary>Who belongs to whom, built once (entity construction would otherwise scan the whole spec per
    /// entity: quadratic, minutes at 200,000 entities). Thread-safe: actors build entities concurrently.</summary>
    private sealed class Index
    {
        public readonly Dictionary<string, (List<int> Plants, List<int> Hubs, List<int> Inbound, List<int> Outbound, List<int> Storages)> Regions = new(StringComparer.Ordinal);
        public readonly Dictionary<string, List<int>> HubSubscribers = new(StringComparer.Ordinal);
        public readonly Dictionary<string, List<int>> CableSubscribers = new(StringComparer.Ordinal);
        public readonly SortedDictionary<int, (SortedSet<int> Users, SortedSet<int> Cables)> ElementSubscribers = [];
        public readonly Dictionary<int, SortedSet<int>> CableLandings = [];

        public Index(SupplyChainModel m)
        {
            var s = m.Spec;
            (List<int>, List<int>, List<int>, List<int>, List<int>) Region(string id)
            {
                if (!Regions.TryGetValue(id, out var r)) Regions[id] = r = ([], [], [], [], []);
                return r;
            }
            int plant = m.First(EntityKinds.Plant), hub = m.First(EntityKinds.Hub), link = m.First(EntityKinds.Link), user = m.First(EntityKinds.Users);
            int storage = m.First(EntityKinds.Storage);
            for (int i = 0; i < s.Storage.Count; i++) Region(s.Storage[i].Region).Item5.Add(storage + i);
            for (int i = 0; i < s.Plants.Count; i++) Region(s.Plants[i].Region).Item1.Add(plant + i);
            for (int i = 0; i < s.Hubs.Count; i++) Region(s.Hubs[i].Region).Item2.Add(hub + i);
            for (int i = 0; i < s.Links.Count; i++)
            {
                Region(s.Links[i].To).Item3.Add(link + i);
                Region(s.Links[i].From).Item4.Add(link + i);
            }
            int scheduler = s.Batch is null ? -1 : m.First(EntityKinds.Scheduler);
            for (int u = 0; u < s.Users.Count; u++)
                foreach (var r in s.Users[u].Routes)
                {
                    Add(HubSubscribers, r.Hub, user + u);
                    if (r.Cable is { } c) Add(CableSubscribers, c, user + u);
                    if (r.Cable is { } landed && r.Via.FirstOrDefault(v => m.TryIdOf(EntityKinds.LandingStation.Key(v), out _)) is { } station)
                    {
                        int landedId = m.CableId(landed);
                        if (!CableLandings.TryGetValue(landedId, out var set)) CableLandings[landedId] = set = [];
                        set.Add(m.IdOf(EntityKinds.LandingStation, station));
                    }
                    foreach (var v in r.Via)
                    {
                        int e = m.ElementId(v);
                        if (!ElementSubscribers.TryGetValue(e, out var subs)) ElementSubscribers[e] = subs = ([], []);
                        subs.Users.Add(user + u);
                        if (scheduler >= 0) subs.Users.Add(scheduler);
                        if (r.Cable is { } cable) subs.Cables.Add(m.CableId(cable));
                    }
                }
            // The batch scheduler (after every user region in id order) hears every hub and cable the users hear.
            if (scheduler >= 0)
                foreach (var list in HubSubscribers.Values.Concat(CableSubscribers.Values)) list.Add(scheduler);
        }

        private static void Add(Dictionary<string, List<int>> d, string key, int user)
        {
            if (!d.TryGetValue(key, out var list)) d[key] = list = [];
            if (list.Count == 0 || list[^1] != user) list.Add(user); // users come in id order; one entry per user
        }
    }

    private readonly Lazy<Index> _index;

    /// <summary>
    /// Who talks to whom: plants, links, hubs and storages with their regions over the energy channel (1 s); user
    /// regions, cables and hubs along every route, and the fault timeline with its targets, over network and
    /// control channels (1 ms). The request side of a topology therefore stays on one node while the energy
    /// side spreads freely, and nodes synchronise once per simulated second instead of once per millisecond.
    /// </summary>
    public IEnumerable<(int A, int B, long MinDelayMicros)> Links()
    {
        long energy = EnergyDelay.Micros, net = MinNetworkDelay.Micros;
        int plant = First(EntityKinds.Plant), link = First(EntityKinds.Link), hub = First(EntityKinds.Hub), user = First(EntityKinds.Users);
        for (int i = 0; i < Spec.Plants.Count; i++) yield return (plant + i, RegionId(Spec.Plants[i].Region), energy);
        for (int i = 0; i < Spec.Links.Count; i++)
        {
            yield return (link + i, RegionId(Spec.Links[i].From), energy);
            yield return (link + i, RegionId(Spec.Links[i].To), energy);
        }
        for (int i = 0; i < Spec.Hubs.Count; i++) yield return (hub + i, RegionId(Spec.Hubs[i].Region), energy);
        int storage = First(EntityKinds.Storage);
        for (int i = 0; i < Spec.Storage.Count; i++) yield return (storage + i, RegionId(Spec.Storage[i].Region), energy);
        for (int u = 0; u < Spec.Users.Count; u++)
            foreach (var r in Spec.Users[u].Routes)
            {
                yield return (user + u, HubId(r.Hub), net);
                if (r.Cable is { } c)
                {
                    yield return (user + u, CableId(c), net);
                    yield return (CableId(c), HubId(r.Hub), net);
                }
            }
        foreach (var (element, subs) in _index.Value.ElementSubscribers)
        {
            foreach (int u in subs.Users) yield return (element, u, net);
            foreach (int c in subs.Cables) yield return (element, c, net);
        }
        int cables = First(EntityKinds.Cable);
        for (int c = 0; c < Spec.Cables.Count; c++)
            foreach (int peer in GroupPeersOf(cables + c))
                if (peer > cables + c) yield return (cables + c, peer, net);
        foreach (var f in Spec.Faults)
            foreach (var t in FaultTargets(f)) yield return (TimelineId, t, net);
        if (Spec.Batch is not null)
        {
            int scheduler = First(EntityKinds.Scheduler);
            for (int u = 0; u < Spec.Users.Count; u++)
            {
                yield return (user + u, scheduler, net);
                foreach (var r in Spec.Users[u].Routes)
                {
                    yield return (scheduler, HubId(r.Hub), net);
                    if (r.Cable is { } c) yield return (scheduler, CableId(c), net);
                }
            }
        }
    }

    private RouteOption[][]? _routes;

    /// <summary>The routes of user region <paramref name="user"/> (index among user regions): hub, cable, the landing
    /// stations and segments they pass and one-way delays (a segment's length adds to the terrestrial delay). Built once;
    /// shared, never changed.</summary>
    public RouteOption[] RoutesOf(int user)
    {
        var all = Volatile.Read(ref _routes);
        if (all is null)
        {
            all = [.. Enumerable.Range(0, Spec.Users.Count).Select(BuildRoutes)];
            Interlocked.CompareExchange(ref _routes, all, null);
            all = _routes!;
        }
        return all[user];
    }

    private RouteOption[] BuildRoutes(int user)
    {
        var spec = Spec.Users[user];
        var segments = Spec.Segments.ToDictionary(x => x.Id, StringComparer.Ordinal);
        return [.. spec.Routes.Select((r, i) =>
        {
            int cable = r.Cable is null ? -1 : CableId(r.Cable);
            long cableMicros = r.Cable is null ? 0 : CableMicros(Spec.Cables[IndexInKind(cable)], r.CableKm);
            double segmentKm = r.Via.Sum(v => segments.TryGetValue(v, out var seg) ? seg.LengthKm : 0);
            long terrestrial = Math.Max(MinNetworkDelay.Micros, (long)Math.Round(r.TerrestrialMs * 1000 + segmentKm * Spec.FiberMicrosPerKm));
            int hub = HubId(r.Hub);
            return new RouteOption(hub, Spec.Hubs[IndexInKind(hub)].East, cable, cableMicros, terrestrial) { Index = i, Via = [.. r.Via.Select(ElementId)] };
        })];
    }

    /// <summary>The entity id of the landing station or segment named <paramref name="id"/>.</summary>
    public int ElementId(string id) => TryIdOf(EntityKinds.LandingStation.Key(id), out int station) ? station : IdOf(EntityKinds.Segment, id);

    /// <summary>How long user regions and the batch scheduler take to hear of a network element going down or back
    /// (routing convergence; at least the network lookahead).</summary>
    public SimTime Convergence => new(Math.Max(MinNetworkDelay.Micros, Spec.Network.ConvergenceMicros));

    /// <summary>The batch scheduler's entity id (the model must have one).</summary>
    public int SchedulerId => First(EntityKinds.Scheduler);

    /// <summary>Rough events per entity, by kind (user regions, hubs and cables carry the request traffic).</summary>
    public double Weight(int id) => KindOf(id).Weight;

    /// <summary>Share of a bundle's service time spent before its first token (prefill).</summary>
    public double PrefillShareOf(Bundle b) => Spec.Users[IndexInKind(b.Origin)].PrefillShare;

    private Serving.Cohorts.ClassMix[][]? _mixes;

    private IReadOnlyList<Serving.RequestClassSpec>[]? _classes;

    /// <summary>The classes user region <paramref name="user"/>'s requests are of (<see cref="UserRegionSpec.ServedClasses"/>).</summary>
    public IReadOnlyList<Serving.RequestClassSpec> ClassesOf(int user) => (_classes ??= [.. Spec.Users.Select(u => u.ServedClasses)])[user];

    /// <summary>The class mix of user region <paramref name="user"/>'s real-time or batch requests.</summary>
    public Serving.Cohorts.ClassMix MixOf(int user, bool realTime)
    {
        var mixes = _mixes ??= [.. Enumerable.Range(0, Spec.Users.Count).Select(ClassesOf).Select(c => new[] { new Serving.Cohorts.ClassMix(c, false), new Serving.Cohorts.ClassMix(c, true) })];
        return mixes[user][realTime ? 1 : 0];
    }

    /// <summary>Dispatch interval index of a time.</summary>
    public long IntervalOf(long micros) => micros / Spec.DispatchIntervalMicros;
    public double IntervalHours => SimTime.ToHours(Spec.DispatchIntervalMicros);

    /// <summary>Cumulative days at the start of each month of a non-leap year.</summary>
    private static readonly int[] MonthStarts = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    /// <summary>Calendar month (1–12) of a simulated time (UTC), counting from the start day of the year; a run that
    /// passes the end of the year continues in January (day 366 counts as 31 December).</summary>
    public int MonthAt(long micros)
    {
        int d = (int)((Math.Min(Spec.StartDayOfYear, 365) - 1 + micros / (24 * SimTime.MicrosPerHour)) % 365); // 0-based day of the year
        int m = 1;
        while (d >= MonthStarts[m]) m++;
        return m;
    }

    /// <summary>Propagation latency over <paramref name="km"/> of a cable (µs), never below the network lookahead.</summary>
    public long CableMicros(CableSpec c, double? km = null) =>
        Math.Max(MinNetworkDelay.Micros, (long)Math.Round((km ?? c.LengthKm) * c.RouteFactor * Spec.FiberMicrosPerKm));
}
