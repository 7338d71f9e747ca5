using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A population of users. Bundles of requests arrive as a Poisson process whose rate follows the local
/// hour's diurnal multiplier and any demand spikes; the routing policy picks a hub and a route from the
/// (stale) hub and cable status it has heard; the region records time to first token, SLO violations
/// and drops by reason when responses come back.
/// Cohort model: a bundle stands for <c>RequestsPerBundle</c> identical requests that share one arrival,
/// one queue position and one latency (documented in README).
/// </summary>
public sealed class UserRegion : Entity
{
    private sealed record Route(int Hub, int HubIndex, int Cable, long CableMicros, long TerrestrialMicros)
    {
        public long OneWay => CableMicros + TerrestrialMicros;
    }

    private readonly SupplyChainModel _model;
    private readonly UserRegionSpec _spec;
    private readonly int _index;
    private readonly Route[] _routes;
    private readonly Dictionary<int, HubStatus> _hubs = [];
    private readonly HashSet<int> _cablesDown = [];
    private readonly List<(double Multiplier, long Start, long Ramp)> _spikes = [];
    private long _nextId;
    private readonly LatencyHistogram _ttft = new();
    private readonly LatencyHistogram _batchTurnaround = new();
    private long _hour = -1;
    private double[] _hourCounts = new double[5]; // arrived, completed, dropped, sloViolations, ttftSumMs
    private readonly Series _series = new();      // hour, arrivedRequests, completed, dropped, sloViolations, meanTtftMs

    public UserRegion(SupplyChainModel model, int index)
    {
        _model = model;
        _index = index;
        _spec = model.Spec.Users[index];
        _routes = _spec.Routes.Select(r =>
        {
            int cable = r.Cable is null ? -1 : model.CableId(r.Cable);
            long cableMicros = r.Cable is null ? 0 : model.CableMicros(model.Spec.Cables[cable - model.FirstCable], r.CableKm);
            long terrestrial = Math.Max(SupplyChainModel.MinNetworkDelay.Micros, (long)Math.Round(r.TerrestrialMs * 1000));
            int hub = model.HubId(r.Hub);
            return new Route(hub, hub - model.FirstHub, cable, cableMicros, terrestrial);
        }).ToArray();
    }

    public LatencyHistogram Ttft => _ttft;

    public override void Init(IEventContext ctx) => ScheduleNextArrival(ctx);

    private double Rate(long micros)
    {
        double localHour = ((micros / 3.6e9) + _spec.UtcOffsetHours) % 24;
        if (localHour < 0) localHour += 24;
        double diurnal = _spec.Diurnal is { Length: 24 } d ? d[(int)localHour % 24] : 1.0;
        double m = 1;
        foreach (var (mult, start, ramp) in _spikes)
            m *= ramp <= 0 ? mult : 1 + (mult - 1) * Math.Min(1.0, (micros - start) / (double)ramp);
        return _spec.BundlesPerSecond * diurnal * m;
    }

    private void ScheduleNextArrival(IEventContext ctx)
    {
        double rate = Rate(ctx.Now.Micros);
        long delay = rate <= 0 ? 60_000_000 : Math.Max(1, (long)(ctx.Rng.NextExponential(1.0 / rate) * 1e6));
        ctx.ScheduleSelf(new SimTime(delay), rate <= 0 ? null : Tick.Instance);
    }

    public override void Handle(IEventContext ctx, object? payload)
    {
        switch (payload)
        {
            case null:
                ScheduleNextArrival(ctx); // rate was zero: look again later
                break;
            case Tick:
                Arrive(ctx);
                ScheduleNextArrival(ctx);
                break;
            case Bundle b:
                OnResponse(ctx, b);
                break;
            case HubStatus h:
                _hubs[h.Hub] = h;
                break;
            case CableStatus c:
                if (c.Up) _cablesDown.Remove(c.Cable); else _cablesDown.Add(c.Cable);
                break;
            case FaultSignal f when f.Kind == FaultKind.DemandSpike:
                ctx.Record(f.Begin ? "demand-spike-began" : "demand-spike-ended", $"×{f.Multiplier}");
                if (f.Begin) _spikes.Add((f.Multiplier, ctx.Now.Micros, f.RampMicros));
                else
                {
                    int i = _spikes.FindIndex(s => s.Multiplier == f.Multiplier);
                    if (i >= 0) _spikes.RemoveAt(i);
                }
                break;
        }
    }

    private void Roll(long micros)
    {
        long hour = micros / 3_600_000_000L;
        if (hour == _hour) return;
        if (_hour >= 0) FlushHour();
        _hour = hour;
    }

    private void FlushHour()
    {
        var c = _hourCounts;
        _series.Add(_hour, c[0], c[1], c[2], c[3], c[1] > 0 ? c[4] / c[1] : 0);
        _hourCounts = new double[5];
    }

    private void Arrive(IEventContext ctx)
    {
        Roll(ctx.Now.Micros);
        var rng = ctx.Rng;
        int requests = Math.Max(1, (int)Math.Round(_spec.RequestsPerBundle));
        bool realTime = rng.NextDouble() < _spec.RealTimeShare;
        double mean = _spec.MeanTokensPerRequest * requests;
        double tokens = _spec.ExponentialTokens ? Math.Max(1, rng.NextExponential(mean)) : mean;
        ctx.AddMetric(M.Arrived, requests);
        ctx.AddMetric(M.TokensArrived, tokens);
        _hourCounts[0] += requests;
        var id = _nextId++ * 1024 + _index;
        var route = Choose(realTime);
        if (route is null)
        {
            ctx.AddMetric(M.DropNoRoute, requests);
            _hourCounts[2] += requests;
            return;
        }
        if (route.OneWay > BestOneWay(route.Hub)) ctx.AddMetric(M.Rerouted, requests);
        var bundle = new Bundle(id, ctx.Self.Value, route.Hub, route.Cable, requests, tokens, realTime, ctx.Now.Micros,
            OneWayMicros: route.TerrestrialMicros, CableMicros: route.CableMicros);
        ctx.AddMetric(M.NetRequestsSent, requests);
        var net = new ChannelId(SupplyChainModel.ChannelNetwork);
        if (route.Cable >= 0) ctx.Send(new EntityId(route.Cable), new SimTime(route.CableMicros), bundle, net);
        else ctx.Send(new EntityId(route.Hub), new SimTime(route.TerrestrialMicros), bundle, net);
    }

    private long BestOneWay(int hub)
    {
        long best = long.MaxValue;
        foreach (var r in _routes) if (r.Hub == hub && r.OneWay < best) best = r.OneWay;
        return best;
    }

    private bool Usable(Route r) => (r.Cable < 0 || !_cablesDown.Contains(r.Cable)) && (!_hubs.TryGetValue(r.Hub, out var h) || h.Up);

    private bool HasCapacity(Route r)
    {
        if (!_hubs.TryGetValue(r.Hub, out var h)) return true;
        // "Capacity" = a short queue: less than half a bundle waiting per usable server (as last published).
        return h.Up && h.UsableServers > 0 && h.Queued < 0.5 * h.UsableServers * Math.Max(1, _spec.RequestsPerBundle);
    }

    private Route? Choose(bool realTime)
    {
        var usable = _routes.Where(Usable).ToArray();
        if (usable.Length == 0) return null;
        var withCapacity = usable.Where(HasCapacity).ToArray();
        Route? ByLatency(IEnumerable<Route> rs) => rs.OrderBy(r => r.OneWay).ThenBy(r => r.Hub).FirstOrDefault();
        Route? LatencyFirst() =>
            ByLatency(withCapacity.Where(r => _model.Spec.Hubs[r.HubIndex].East)) ?? ByLatency(withCapacity) ?? ByLatency(usable);
        // Batch work under latency-first follows the plan's placement: the nearest western hub with capacity.
        Route? WestFirst() =>
            ByLatency(withCapacity.Where(r => !_model.Spec.Hubs[r.HubIndex].East)) ?? ByLatency(withCapacity) ?? ByLatency(usable);
        Route? CostFirst() =>
            withCapacity.OrderBy(r => _hubs.TryGetValue(r.Hub, out var h) ? h.CostIndex : double.MaxValue).ThenBy(r => r.OneWay).ThenBy(r => r.Hub).FirstOrDefault()
            ?? ByLatency(usable);
        switch (_model.Spec.Policy)
        {
            case RoutingPolicy.CostFirst:
                return realTime ? LatencyFirst() : CostFirst();
            case RoutingPolicy.GreenAware:
                if (realTime) return LatencyFirst();
                var green = withCapacity.Where(r => _hubs.TryGetValue(r.Hub, out var h) && h.GreenSurplusMW > 0)
                    .OrderByDescending(r => _hubs[r.Hub].GreenSurplusMW).ThenBy(r => r.OneWay).ThenBy(r => r.Hub).FirstOrDefault();
                return green ?? CostFirst();
            default:
                return realTime ? LatencyFirst() : WestFirst();
        }
    }

    private void OnResponse(IEventContext ctx, Bundle b)
    {
        Roll(ctx.Now.Micros);
        ctx.AddMetric(M.NetResponsesReceived, b.Requests);
        if (b.Drop != DropReason.None)
        {
            ctx.AddMetric(b.Drop switch
            {
                DropReason.QueueOverflow => M.DropQueue,
                DropReason.HubDown => M.DropHubDown,
                DropReason.CableCut => M.DropCableCut,
                _ => M.DropNoRoute,
            }, b.Requests);
            _hourCounts[2] += b.Requests;
            return;
        }
        ctx.AddMetric(M.Completed, b.Requests);
        double ttftMs = (b.FirstToken - b.CreatedAt + (ctx.Now.Micros - b.Done)) / 1000.0;
        _hourCounts[1] += b.Requests;
        _hourCounts[4] += ttftMs * b.Requests;
        if (b.RealTime)
        {
            _ttft.Add(ttftMs, b.Requests);
            if (ttftMs > _spec.SloTtftMs)
            {
                ctx.AddMetric(M.SloViolations, b.Requests);
                _hourCounts[3] += b.Requests;
            }
        }
        else _batchTurnaround.Add((ctx.Now.Micros - b.CreatedAt) / 1000.0, b.Requests);
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_nextId); w.Write(_hour);
        foreach (var c in _hourCounts) w.Write(c);
        w.Write(_hubs.Count); foreach (var (_, h) in _hubs.OrderBy(x => x.Key)) SupplyChainCodec.Instance.Write(w, h);
        w.Write(_cablesDown.Count); foreach (var c in _cablesDown.Order()) w.Write(c);
        w.Write(_spikes.Count); foreach (var (m, s, r) in _spikes) { w.Write(m); w.Write(s); w.Write(r); }
        _ttft.Save(w); _batchTurnaround.Save(w); _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _nextId = r.ReadInt64(); _hour = r.ReadInt64();
        for (int i = 0; i < _hourCounts.Length; i++) _hourCounts[i] = r.ReadDouble();
        _hubs.Clear(); for (int n = r.ReadInt32(); n > 0; n--) { var h = (HubStatus)SupplyChainCodec.Instance.Read(r)!; _hubs[h.Hub] = h; }
        _cablesDown.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _cablesDown.Add(r.ReadInt32());
        _spikes.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _spikes.Add((r.ReadDouble(), r.ReadInt64(), r.ReadInt64()));
        _ttft.Load(r); _batchTurnaround.Load(r); _series.Load(r);
    }

    public override void Describe(IDictionary<string, object?> d)
    {
        d["bundlesCreated"] = _nextId;
        d["activeSpikes"] = _spikes.Count;
        d["cablesDown"] = string.Join(",", _cablesDown.Order().Select(c => _model.EntityKey(c)));
        d["hubsHeardFrom"] = _hubs.Count;
        d["ttftP50Ms"] = _ttft.Percentile(0.5);
        d["ttftP99Ms"] = _ttft.Percentile(0.99);
        d["realTimeRequestsServed"] = _ttft.Total;
    }

    public override void WriteReport(BinaryWriter w)
    {
        _ttft.Save(w);
        _batchTurnaround.Save(w);
        var copy = new Series();
        foreach (var row in _series.Rows) copy.Add(row);
        var c = _hourCounts;
        if (_hour >= 0) copy.Add(_hour, c[0], c[1], c[2], c[3], c[1] > 0 ? c[4] / c[1] : 0);
        copy.Save(w);
    }
}
