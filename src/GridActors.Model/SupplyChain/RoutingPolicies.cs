namespace GridActors.Model.SupplyChain;

/// <summary>One way from a user region to a hub: over a cable (or none) plus terrestrial latency (segments included), both
/// one-way µs.</summary>
public sealed record RouteOption(int Hub, bool EastHub, int Cable, long CableMicros, long TerrestrialMicros)
{
    public long OneWay => CableMicros + TerrestrialMicros;

    /// <summary>Its position among its user region's routes (what a bundle carries as <see cref="Bundle.Route"/>).</summary>
    public int Index { get; init; }

    /// <summary>Landing stations and segments it passes (entity ids): if any is down, so is the route.</summary>
    public int[] Via { get; init; } = [];

    /// <summary>Whether it passes none of <paramref name="down"/> (cables, landing stations, segments reported down).</summary>
    public bool Avoids(IReadOnlySet<int> cablesDown, IReadOnlySet<int> elementsDown)
    {
        if (Cable >= 0 && cablesDown.Contains(Cable)) return false;
        foreach (int e in Via) if (elementsDown.Contains(e)) return false;
        return true;
    }
}

/// <summary>
/// What a user region knows when it places a bundle: its usable routes (cable up, hub not reported down), those of
/// them whose hub last reported a short queue, and the (stale) status each hub last published.
/// </summary>
public sealed class RoutingView(IReadOnlyList<RouteOption> usable, IReadOnlyList<RouteOption> withCapacity, IReadOnlyDictionary<int, HubStatus> heard)
{
    public IReadOnlyList<RouteOption> Usable { get; } = usable;

    public IReadOnlyList<RouteOption> WithCapacity { get; } = withCapacity;

    /// <summary>The status hub <paramref name="hub"/> last published, or null if none arrived yet.</summary>
    public HubStatus? StatusOf(int hub) => heard.TryGetValue(hub, out var h) ? h : null;

    /// <summary>A hub "has capacity" for routing while fewer than this many bundles wait per usable serving unit
    /// (as last published). ESTIMATE: a short queue, so that real-time work is not stuck behind it.</summary>
    public const double ShortQueueBundlesPerServer = 0.5;

    /// <summary>The view of <paramref name="routes"/> for a region whose bundles hold <paramref name="requestsPerBundle"/>
    /// requests: usable where the cable is up and the hub not reported down; with capacity where the hub last reported a
    /// short queue and did not report congestion (<see cref="HubStatus.Congested"/>: long admission waits or drops last
    /// interval). Null when no route is usable.</summary>
    public static RoutingView? Of(IEnumerable<RouteOption> routes, IReadOnlySet<int> cablesDown, IReadOnlyDictionary<int, HubStatus> heard, double requestsPerBundle) =>
        Of(routes, cablesDown, NoElements, heard, requestsPerBundle);

    private static readonly SortedSet<int> NoElements = [];

    /// <summary>As above, with the landing stations and segments reported down: a route through any of them is not usable.</summary>
    public static RoutingView? Of(IEnumerable<RouteOption> routes, IReadOnlySet<int> cablesDown, IReadOnlySet<int> elementsDown,
        IReadOnlyDictionary<int, HubStatus> heard, double requestsPerBundle)
    {
        var usable = routes.Where(r => r.Avoids(cablesDown, elementsDown) && (!heard.TryGetValue(r.Hub, out var h) || h.Up)).ToArray();
        if (usable.Length == 0) return null;
        bool HasCapacity(RouteOption r) => !heard.TryGetValue(r.Hub, out var h)
            || (h.Up && h.UsableServers > 0 && !h.Congested && h.Queued < ShortQueueBundlesPerServer * h.UsableServers * Math.Max(1, requestsPerBundle));
        return new RoutingView(usable, usable.Where(HasCapacity).ToArray(), heard);
    }
}

/// <summary>What a user region or the batch scheduler has heard of the network: every hub's last status (in hub id
/// order), the cables and the landing stations and segments reported down.</summary>
public sealed class HeardNetwork
{
    private readonly SortedDictionary<int, HubStatus> _hubs = [];
    private readonly SortedSet<int> _cablesDown = [];
    private readonly SortedSet<int> _elementsDown = [];

    public IReadOnlyDictionary<int, HubStatus> Hubs => _hubs;
    public IReadOnlySet<int> CablesDown => _cablesDown;
    public IReadOnlySet<int> ElementsDown => _elementsDown;

    /// <summary>Takes in a hub's status or a cable's; false for any other message.</summary>
    public bool Hear(object? payload)
    {
        switch (payload)
        {
            case HubStatus h: _hubs[h.Hub] = h; return true;
            case CableStatus c: if (c.Up) _cablesDown.Remove(c.Cable); else _cablesDown.Add(c.Cable); return true;
            case PathStatus p: if (p.Up) _elementsDown.Remove(p.Element); else _elementsDown.Add(p.Element); return true;
            default: return false;
        }
    }

    /// <summary>The view of <paramref name="routes"/> from what was heard (see <see cref="RoutingView.Of"/>), or null.</summary>
    public RoutingView? ViewOf(IEnumerable<RouteOption> routes, double requestsPerBundle) => RoutingView.Of(routes, _cablesDown, _elementsDown, _hubs, requestsPerBundle);

    public void Save(BinaryWriter w)
    {
        w.Write(_hubs.Count); foreach (var h in _hubs.Values) SupplyChainCodec.Instance.Write(w, h);
        w.Write(_cablesDown.Count); foreach (var c in _cablesDown) w.Write(c);
        w.Write(_elementsDown.Count); foreach (var e in _elementsDown) w.Write(e);
    }

    public void Load(BinaryReader r)
    {
        _hubs.Clear(); for (int n = r.ReadInt32(); n > 0; n--) { var h = (HubStatus)SupplyChainCodec.Instance.Read(r)!; _hubs[h.Hub] = h; }
        _cablesDown.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _cablesDown.Add(r.ReadInt32());
        _elementsDown.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _elementsDown.Add(r.ReadInt32());
    }
}

/// <summary>How a user region places bundles on hubs. One class per policy; scenario files name it (<see cref="Name"/>).</summary>
public interface IRoutingPolicy
{
    /// <summary>The name written in scenario files (<c>policy:</c>).</summary>
    string Name { get; }

    /// <summary>One sentence for documentation and error messages.</summary>
    string Help { get; }

    /// <summary>The route for a bundle, or null if none fits. <paramref name="view"/> has at least one usable route.</summary>
    RouteOption? Choose(RoutingView view, bool realTime);
}

/// <summary>The routing policies, by name: the registry scenario files are validated against.</summary>
public static class RoutingPolicies
{
    public static readonly IRoutingPolicy LatencyFirst = new LatencyFirstPolicy();
    public static readonly IRoutingPolicy CostFirst = new CostFirstPolicy();
    public static readonly IRoutingPolicy GreenAware = new GreenAwarePolicy();

    public static readonly IReadOnlyList<IRoutingPolicy> All = [LatencyFirst, CostFirst, GreenAware];

    /// <summary>The names, for messages: "latency-first, cost-first or green-aware".</summary>
    public static string Names => string.Join(", ", All.Take(All.Count - 1).Select(p => p.Name)) + " or " + All[^1].Name;

    public static bool TryGet(string? name, out IRoutingPolicy policy)
    {
        policy = All.FirstOrDefault(p => p.Name == name)!;
        return policy is not null;
    }

    public static IRoutingPolicy Get(string name) =>
        TryGet(name, out var p) ? p : throw new ArgumentException($"unknown routing policy '{name}' (expected {Names})");

    /// <summary>The nearest route among <paramref name="routes"/> (ties: lower hub id), or null.</summary>
    public static RouteOption? Nearest(IEnumerable<RouteOption> routes) => routes.OrderBy(r => r.OneWay).ThenBy(r => r.Hub).FirstOrDefault();

    /// <summary>The nearest eastern hub with capacity, else the nearest hub with capacity, else the nearest usable one.</summary>
    public static RouteOption? NearestEast(RoutingView v) =>
        Nearest(v.WithCapacity.Where(r => r.EastHub)) ?? Nearest(v.WithCapacity) ?? Nearest(v.Usable);

    /// <summary>The nearest western hub with capacity, else the nearest hub with capacity, else the nearest usable one.</summary>
    public static RouteOption? NearestWest(RoutingView v) =>
        Nearest(v.WithCapacity.Where(r => !r.EastHub)) ?? Nearest(v.WithCapacity) ?? Nearest(v.Usable);

    /// <summary>The hub with capacity and the lowest published cost index (unknown hubs last), else the nearest usable one.</summary>
    public static RouteOption? Cheapest(RoutingView v) =>
        v.WithCapacity.OrderBy(r => v.StatusOf(r.Hub)?.CostIndex ?? double.MaxValue).ThenBy(r => r.OneWay).ThenBy(r => r.Hub).FirstOrDefault()
        ?? Nearest(v.Usable);

    /// <summary>The hub with capacity whose region curtails the most renewable power, or null if none curtails.</summary>
    public static RouteOption? Greenest(RoutingView v) =>
        v.WithCapacity.Where(r => v.StatusOf(r.Hub) is { GreenSurplusMW: > 0 })
            .OrderByDescending(r => v.StatusOf(r.Hub)!.GreenSurplusMW).ThenBy(r => r.OneWay).ThenBy(r => r.Hub).FirstOrDefault();

    private sealed class LatencyFirstPolicy : IRoutingPolicy
    {
        public string Name => "latency-first";
        public string Help => "real-time to the nearest eastern hub with a short queue, batch to the nearest western one";
        public RouteOption? Choose(RoutingView view, bool realTime) => realTime ? NearestEast(view) : NearestWest(view);
    }

    private sealed class CostFirstPolicy : IRoutingPolicy
    {
        public string Name => "cost-first";
        public string Help => "real-time as latency-first, batch to the hub with the lowest cost index";
        public RouteOption? Choose(RoutingView view, bool realTime) => realTime ? NearestEast(view) : Cheapest(view);
    }

    private sealed class GreenAwarePolicy : IRoutingPolicy
    {
        public string Name => "green-aware";
        public string Help => "real-time as latency-first, batch to the hub whose region curtails the most renewable power (else the cheapest)";
        public RouteOption? Choose(RoutingView view, bool realTime) => realTime ? NearestEast(view) : Greenest(view) ?? Cheapest(view);
    }
}
