using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// The batch scheduler (<see cref="BatchSchedulerSpec"/>): user regions hand it their batch cohorts, each with a deadline; it
/// holds them (earliest deadline first) and releases them to hubs by policy. It hears the hubs' status (price, renewable
/// power their region would curtail, headroom, energy per token) and the cables' as user regions do, and sends released
/// work along its origin's route, so responses go back to the origin as for any request. Rules:
/// <list type="bullet">
/// <item>Every <see cref="BatchSchedulerSpec.PeriodMicros"/> it decides. Work whose deadline less the slack falls before the
///   next decision is released whatever the signals, where latency-first would send it — the nearest western hub with a
///   short queue, else the nearest hub (not the greenest or cheapest: a day's held work sent to one hub overflows its
///   queues) — so work never misses its deadline while a hub can take it; work past its deadline that no usable route can take is dropped
///   (<see cref="DropReason.DeadlineMissed"/>).</item>
/// <item><see cref="BatchPolicy.LatencyFirst"/>: every cohort is released on arrival. With <see cref="BatchShift.Space"/>,
///   green-aware and price-aware release on arrival too, to the greenest (cheapest) hub, as the routing policies do.</item>
/// <item><see cref="BatchPolicy.GreenAware"/> with time shifting: each hub gets a green release rate (tokens per second)
///   that follows its region's surplus — raised by what its region would still curtail (the hub's absorbable power ÷
///   its energy per token) and halved when its region's price is above zero (the extra load is no longer served by
///   otherwise curtailed power) or when the hub reports itself congested (<see cref="HubStatus.Congested"/>) — capped by
///   half its headroom, in power and in tokens per second (<see cref="HeadroomShare"/>, <see cref="HubStatus.SpareTokensPerSecond"/>). Each decision releases rate × period tokens of held work that
///   may go there: any origin with a usable route to it (time+space), or only work whose origin's routing policy picks
///   that hub anyway (time).</item>
/// <item><see cref="BatchPolicy.PriceAware"/> with time shifting: a hub whose price is at or below the 25th percentile of
///   the prices heard over the past day (one sample per hub and dispatch interval; at least an hour of them) gets half its
///   headroom's worth of held work per decision (ESTIMATE: room left for real-time load), cheapest hub first, unless it
///   reports itself congested.</item>
/// <item>Released work is paced: the cohorts released to one hub in one decision arrive one after the other over the
///   period, at the rate that spreads them evenly (not at their own rates: a burst of held work would make the hub wake
///   replicas for a part of the period and leave them lightly loaded for the rest).</item>
/// </list>
/// </summary>
public sealed class BatchScheduler : Entity
{
    public const string Id = "batch";

    /// <summary>The share of a hub's headroom that released work may fill (ESTIMATE: room left for real-time load and for
    /// the requests' own bursts; at the whole headroom, green releases overflowed the replicas' queues).</summary>
    public const double HeadroomShare = 0.5;

    /// <summary>Price-aware: the percentile of the past day's prices at or below which a hub counts as cheap.</summary>
    public const double CheapPercentile = 0.25;

    private readonly SupplyChainModel _model;
    private readonly BatchSchedulerSpec _spec;
    private readonly RouteOption[][] _routes;       // per user region (index in kind)
    private readonly int _firstUser;
    private readonly Queue<Bundle>[] _held;         // per user region, in arrival order = deadline order (its deadline is fixed)
    private readonly HeardNetwork _heard = new();
    private readonly SortedDictionary<int, double> _greenRate = [];   // hub → tokens per second of held work released there
    private readonly Queue<double> _prices = new(); // price samples of the past day, oldest first
    private long _sampledInterval = -1;
    private long _hour = -1;
    private double _releasedHour, _releasedGreenTokensHour, _missedHour;
    private readonly Series<SchedulerSample> _series = new();

    public BatchScheduler(SupplyChainModel model)
    {
        _model = model;
        _spec = model.Spec.Batch ?? throw new InvalidOperationException("the scenario has no batch scheduler");
        _routes = [.. Enumerable.Range(0, model.Spec.Users.Count).Select(model.RoutesOf)];
        _firstUser = model.First(EntityKinds.Users);
        _held = [.. Enumerable.Range(0, model.Spec.Users.Count).Select(_ => new Queue<Bundle>())];
    }

    public int HeldCohorts => _held.Sum(q => q.Count);

    private IEnumerable<Bundle> AllHeld => _held.SelectMany(q => q);

    public override void Init(IEventContext ctx) => ctx.ScheduleSelf(new SimTime(_spec.PeriodMicros), SchedulerTick.Instance);

    public override void Handle(IEventContext ctx, object? payload)
    {
        switch (payload)
        {
            case Bundle b:
                Roll(ctx);
                ctx.AddMetric(M.BatchHeld, b.Requests);
                if (_spec.Policy == BatchPolicy.LatencyFirst || _spec.Shift == BatchShift.Space)
                {
                    var route = _spec.Policy switch
                    {
                        BatchPolicy.GreenAware when ViewOf(b) is { } v => RoutingPolicies.Greenest(v) ?? Default(b),
                        BatchPolicy.PriceAware when ViewOf(b) is { } v => RoutingPolicies.Cheapest(v),
                        _ => Default(b),
                    };
                    if (route is not null) { Send(ctx, b, route, 0, b.RatePerSecond); return; }
                }
                _held[b.Origin - _firstUser].Enqueue(b);
                break;
            case SchedulerTick:
                Decide(ctx);
                ctx.ScheduleSelf(new SimTime(_spec.PeriodMicros), SchedulerTick.Instance);
                break;
            case HubStatus or CableStatus or PathStatus:
                _heard.Hear(payload);
                break;
        }
    }

    /// <summary>The user region whose held work has the earliest deadline (ties: lower region) among those
    /// <paramref name="eligible"/> allows, or −1.</summary>
    private int Earliest(Func<int, bool> eligible)
    {
        int best = -1;
        for (int u = 0; u < _held.Length; u++)
            if (_held[u].Count > 0 && eligible(u) && (best < 0 || _held[u].Peek().Deadline < _held[best].Peek().Deadline)) best = u;
        return best;
    }

    private RoutingView? ViewOf(Bundle b) => ViewOf(b.Origin - _firstUser);

    private RoutingView? ViewOf(int user) => _heard.ViewOf(_routes[user], _model.Spec.Users[user].RequestsPerBundle);

    /// <summary>The route the routing policy picks for batch work of <paramref name="b"/>'s origin, or null.</summary>
    private RouteOption? Default(Bundle b) => ViewOf(b) is { } v ? _model.Spec.Policy.Choose(v, realTime: false) : null;

    private void Decide(IEventContext ctx)
    {
        Roll(ctx);
        long now = ctx.Now.Micros, next = now + _spec.PeriodMicros;
        SamplePrices(ctx);
        var releases = new SortedDictionary<int, List<(Bundle Job, RouteOption Route)>>();
        void Release(int user, RouteOption route)
        {
            if (!releases.TryGetValue(route.Hub, out var list)) releases[route.Hub] = list = [];
            list.Add((_held[user].Dequeue(), route));
        }
        // Due: released whatever the signals; past the deadline with no route: dropped.
        for (int u = 0; u < _held.Length; u++)
        {
            var queue = _held[u];
            var route = queue.Count > 0 && queue.Peek().Deadline - _spec.SlackMicros <= next && ViewOf(u) is { } v ? RoutingPolicies.NearestWest(v) : null;
            while (queue.Count > 0 && queue.Peek().Deadline - _spec.SlackMicros <= next)
            {
                if (route is not null) Release(u, route);
                else if (queue.Peek().Deadline <= now) Drop(ctx, queue.Dequeue());
                else break;
            }
        }
        if (_spec.Policy == BatchPolicy.GreenAware) ReleaseGreen(Release);
        else if (_spec.Policy == BatchPolicy.PriceAware) ReleaseCheap(Release);
        double seconds = _spec.PeriodMicros / (double)SimTime.MicrosPerSecond;
        foreach (var (_, list) in releases)
        {
            double requests = list.Sum(x => (double)x.Job.Requests);
            double pace = requests / seconds;   // requests per second: the period's work spread over the period
            long offset = 0;
            foreach (var (job, route) in list)
            {
                Send(ctx, job, route, offset, pace);
                offset += (long)Math.Round(job.Requests / pace * SimTime.MicrosPerSecond);
            }
        }
    }

    /// <summary>Green-aware time shifting: adjusts every hub's green rate from its status and releases that much held work.</summary>
    private void ReleaseGreen(Action<int, RouteOption> release)
    {
        double seconds = _spec.PeriodMicros / (double)SimTime.MicrosPerSecond;
        double fallbackJ = MeanMarginalJ();
        foreach (var (hub, h) in _heard.Hubs)
        {
            double j = h.MarginalJPerToken > 0 ? h.MarginalJPerToken : fallbackJ;
            double rate = _greenRate.GetValueOrDefault(hub);
            if (!h.Up || j <= 0) rate = 0;
            else if (h.Congested) rate *= 0.5;
            else if (h.AbsorbableMW > 0) rate += h.AbsorbableMW * 1e6 / j;
            else if (h.PriceUsdPerMWh > 0) rate *= 0.5;
            if (j > 0) rate = Math.Min(rate, HeadroomShare * Math.Min(h.HeadroomMW * 1e6 / j, h.SpareTokensPerSecond));
            _greenRate[hub] = Math.Max(0, rate);
        }
        foreach (var (hub, rate) in _greenRate.OrderByDescending(x => x.Value).ThenBy(x => x.Key).ToList())
            if (rate > 0) Fill(hub, rate * seconds, release, green: true);
    }

    /// <summary>Price-aware time shifting: fills cheap hubs (at or below the day's p25), cheapest first.</summary>
    private void ReleaseCheap(Action<int, RouteOption> release)
    {
        if (_prices.Count < _heard.Hubs.Count * Math.Max(1, SimTime.MicrosPerHour / _model.Spec.DispatchIntervalMicros)) return;   // under an hour heard
        var sorted = _prices.Order().ToArray();
        double threshold = sorted[(int)Math.Floor(CheapPercentile * (sorted.Length - 1))];
        double seconds = _spec.PeriodMicros / (double)SimTime.MicrosPerSecond;
        double fallbackJ = MeanMarginalJ();
        foreach (var (hub, h) in _heard.Hubs.Where(x => x.Value.Up && !x.Value.Congested && x.Value.PriceUsdPerMWh <= threshold).OrderBy(x => x.Value.PriceUsdPerMWh).ThenBy(x => x.Key).ToList())
        {
            double j = h.MarginalJPerToken > 0 ? h.MarginalJPerToken : fallbackJ;
            if (j > 0) Fill(hub, HeadroomShare * Math.Min(h.HeadroomMW * 1e6 / j, h.SpareTokensPerSecond) * seconds, release, green: false);
        }
    }

    /// <summary>Releases held work that may go to <paramref name="hub"/>, earliest deadline first, up to
    /// <paramref name="tokens"/> (a cohort that would overshoot goes if less than half of it would).</summary>
    private void Fill(int hub, double tokens, Action<int, RouteOption> release, bool green)
    {
        var routes = new RouteOption?[_held.Length];
        for (int u = 0; u < _held.Length; u++) routes[u] = _held[u].Count > 0 ? RouteTo(u, hub) : null;
        while (tokens > 0)
        {
            int u = Earliest(x => routes[x] is not null && _held[x].Peek().Tokens <= 2 * tokens);
            if (u < 0) break;
            var job = _held[u].Peek();
            tokens -= job.Tokens;
            if (green) _releasedGreenTokensHour += job.Tokens;
            release(u, routes[u]!);
        }
    }

    /// <summary>The usable route from user region <paramref name="user"/> to <paramref name="hub"/> if the shift allows it there.</summary>
    private RouteOption? RouteTo(int user, int hub)
    {
        if (ViewOf(user) is not { } view) return null;
        if (_spec.Shift == BatchShift.Time) return _model.Spec.Policy.Choose(view, realTime: false) is { } r && r.Hub == hub ? r : null;
        return RoutingPolicies.Nearest(view.Usable.Where(r => r.Hub == hub));
    }

    private double MeanMarginalJ()
    {
        var known = _heard.Hubs.Values.Where(h => h.MarginalJPerToken > 0).Select(h => h.MarginalJPerToken).ToList();
        return known.Count > 0 ? known.Average() : 0;
    }

    /// <summary>Once per dispatch interval: every hub's last heard price joins the past day's samples.</summary>
    private void SamplePrices(IEventContext ctx)
    {
        long k = _model.IntervalOf(ctx.Now.Micros);
        if (k == _sampledInterval) return;
        _sampledInterval = k;
        foreach (var h in _heard.Hubs.Values) _prices.Enqueue(h.PriceUsdPerMWh);
        int keep = _heard.Hubs.Count * (int)Math.Max(1, 24 * SimTime.MicrosPerHour / _model.Spec.DispatchIntervalMicros);
        while (_prices.Count > keep) _prices.Dequeue();
    }

    /// <summary>Sends <paramref name="job"/> along <paramref name="route"/> after <paramref name="offset"/> µs, its requests
    /// arriving at <paramref name="rate"/> per second.</summary>
    private void Send(IEventContext ctx, Bundle job, RouteOption route, long offset, double rate)
    {
        ctx.AddMetric(M.BatchReleased, job.Requests);
        _releasedHour += job.Requests;
        var bundle = job with { HeldMicros = Math.Max(0, ctx.Now.Micros + offset - job.CreatedAt), Hub = route.Hub, Cable = route.Cable, OneWayMicros = route.TerrestrialMicros, CableMicros = route.CableMicros, RatePerSecond = rate, Route = route.Index };
        UserRegion.Send(ctx, _model, bundle, route, offset, countSent: false);   // counted when the region handed it over
    }

    /// <summary>Work past its deadline that no hub can take goes back to its origin as dropped.</summary>
    private void Drop(IEventContext ctx, Bundle job)
    {
        _missedHour += job.Requests;
        ctx.AddMetric(M.NetRequestsReceived, job.Requests);
        ctx.AddMetric(M.NetResponsesSent, job.Requests);
        ctx.Send(new EntityId(job.Origin), SupplyChainModel.MinNetworkDelay, job with { Drop = DropReason.DeadlineMissed, Done = ctx.Now.Micros },
            new ChannelId(SupplyChainModel.ChannelControl));
    }

    private void Roll(IEventContext ctx)
    {
        long hour = ctx.Now.Micros / SimTime.MicrosPerHour;
        if (hour == _hour) return;
        if (_hour >= 0) _series.Add(Sample());
        _hour = hour;
        _releasedHour = _releasedGreenTokensHour = _missedHour = 0;
    }

    private SchedulerSample Sample() =>
        new(_hour, AllHeld.Sum(b => (double)b.Requests), AllHeld.Sum(b => b.Tokens), _releasedHour, _releasedGreenTokensHour, _missedHour);

    public override void Save(BinaryWriter w)
    {
        foreach (var queue in _held) { w.Write(queue.Count); foreach (var b in queue) SupplyChainCodec.WriteBundle(w, b); }
        _heard.Save(w);
        w.Write(_greenRate.Count); foreach (var (h, r) in _greenRate) { w.Write(h); w.Write(r); }
        w.Write(_prices.Count); foreach (var p in _prices) w.Write(p);
        w.Write(_sampledInterval); w.Write(_hour); w.Write(_releasedHour); w.Write(_releasedGreenTokensHour); w.Write(_missedHour);
        _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        foreach (var queue in _held) { queue.Clear(); for (int n = r.ReadInt32(); n > 0; n--) queue.Enqueue(SupplyChainCodec.ReadBundle(r)); }
        _heard.Load(r);
        _greenRate.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _greenRate[r.ReadInt32()] = r.ReadDouble();
        _prices.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _prices.Enqueue(r.ReadDouble());
        _sampledInterval = r.ReadInt64(); _hour = r.ReadInt64(); _releasedHour = r.ReadDouble(); _releasedGreenTokensHour = r.ReadDouble(); _missedHour = r.ReadDouble();
        _series.Load(r);
    }

    public override void Describe(IDictionary<string, object?> d)
    {
        d["policy"] = _spec.Policy.ToString();
        d["shift"] = _spec.Shift.ToString();
        d["heldCohorts"] = HeldCohorts;
        d["heldRequests"] = AllHeld.Sum(b => (double)b.Requests);
        d["nextDeadlineHours"] = Earliest(_ => true) is int u and >= 0 ? SimTime.ToHours(_held[u].Peek().Deadline) : null;
        d["greenTokensPerSecond"] = _greenRate.Values.Sum();
    }

    public override void WriteReport(BinaryWriter w)
    {
        var copy = new Series<SchedulerSample>();
        foreach (var row in _series.Rows) copy.Add(row);
        if (_hour >= 0) copy.Add(Sample());
        copy.Save(w);
        w.Write(AllHeld.Sum(b => (double)b.Requests));
    }
}

/// <summary>The batch scheduler's hour: requests and tokens held at the end of it, requests released in it, tokens released
/// to hubs because their region would curtail renewable power, and requests dropped at their deadline.</summary>
public readonly record struct SchedulerSample(double Hour, double HeldRequests, double HeldTokens, double ReleasedRequests, double GreenReleasedTokens, double MissedRequests)
    : ISample<SchedulerSample>
{
    public static IReadOnlyList<string> Columns { get; } = ["hour", "held_requests", "held_tokens", "released_requests", "green_released_tokens", "missed_requests"];

    public double[] Values() => [Hour, HeldRequests, HeldTokens, ReleasedRequests, GreenReleasedTokens, MissedRequests];

    public static SchedulerSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3], v[4], v[5]);
}

/// <summary>What the batch scheduler reports: its hourly series and the requests it still held at the end.</summary>
public sealed record SchedulerReport(Series<SchedulerSample> Series, double HeldAtEnd) : IEntityReport
{
    ISeries? IEntityReport.Series => Series;

    public static SchedulerReport Read(BinaryReader r)
    {
        var s = new Series<SchedulerSample>();
        s.Load(r);
        return new SchedulerReport(s, r.ReadDouble());
    }

    public void AddTo(SupplyChainSummary s, string id)
    {
        s.BatchHeldAtEnd += HeldAtEnd;
        s.SchedulerSeries = Series;
    }
}
