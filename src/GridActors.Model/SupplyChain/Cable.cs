using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A subsea or cross-border cable: the capacity point of every route over it.
/// <para><b>Crossing.</b> A request reaches the cable entity when it has crossed (the user region sends it with the
/// propagation delay of the stretch it travels); a response reaches it when it has crossed too, less the 1 ms lookahead
/// the cable needs to pass it on (see <see cref="Hub"/>). So whatever is on the cable when it is cut arrives after the
/// cut and is lost (<see cref="DropReason.LostInFlight"/>); what user regions send into it before routing converges
/// (<see cref="NetworkSpec.ConvergenceMicros"/>) is dropped as <see cref="DropReason.CableCut"/>. A route through a
/// landing station or segment that is down is cut at once (<see cref="DropReason.PathDown"/>): the element tells the
/// cables of the routes through it without waiting for convergence.</para>
/// <para><b>Load.</b> Utilisation ρ = (background + background rerouted from cut cables of its group + AI) ÷ design capacity.
/// Background = capacity × <see cref="CableSpec.BackgroundShare"/> × the UTC hour's <see cref="NetworkSpec.BackgroundProfile"/>
/// multiplier, spread equally over its China landing stations (those its routes pass, ESTIMATE): a station down takes its share
/// away. A member of its <see cref="CableSpec.Group"/> that is cut (or has landings down) moves
/// <see cref="NetworkSpec.BackgroundReroute"/> of the background it cannot carry to the other members in proportion to the
/// capacity they still have up (heard after the convergence). AI = the bytes of
/// the requests it carried in the previous dispatch interval (tokens × <see cref="NetworkSpec.BytesPerToken"/>, request
/// and response together) ÷ the interval: a rate one interval stale, so that it needs no events of its own.</para>
/// <para><b>Queueing.</b> Each crossing (request and response) waits <c>Q × ρ ÷ (1 − ρ)</c> on top of propagation — the
/// M/M/1 waiting time with Q = <see cref="NetworkSpec.QueueingMicros"/> the service term at zero load — capped at
/// <see cref="NetworkSpec.MaxQueueingMicros"/> (full buffers). At ρ ≥ 1 the cap applies and the share 1 − 1/ρ of a
/// request cohort's requests is dropped as <see cref="DropReason.Congestion"/> (every flow loses the same share;
/// background traffic is not simulated request by request, it only loads the cable).</para>
/// <para><b>Repair.</b> A cut with no duration lasts the cable's <see cref="CableSpec.RepairMicros"/> (0: to the end).</para>
/// One self-event per simulated hour writes its row of cables.csv; nothing else costs events.
/// </summary>
public sealed class Cable : Entity
{
    private readonly SupplyChainModel _model;
    private readonly CableSpec _spec;
    private readonly int[] _subscribers;
    private readonly int[] _peers;
    private readonly double[] _peerBackgroundTbps;   // each peer's mean background (Tbps, before the hourly profile)
    private readonly NetworkSpec _net;
    private bool _cut;
    private long _cutAt;
    private readonly SortedDictionary<int, double> _peerDownShare = [];   // group members with background they cannot carry
    private readonly int[] _landings;                                      // its China landing stations (entity ids)
    private readonly SortedSet<int> _elementsDown = [];
    private double _carriedRequests;
    // AI traffic: bytes this dispatch interval and the rate of the last one.
    private long _interval;
    private double _intervalBytes, _aiTbps;
    // This hour's row: bytes carried, requests carried and dropped, ∫ρ dt and ∫rerouted dt (µs-weighted), request-weighted added delay.
    private long _hourStart, _lastChange, _lastNow;
    private double _hourBytes, _hourRequests, _hourCongestion, _hourLost, _hourPathDown, _hourAddedMsWeighted, _hourRerouteIntegral, _hourPeakRho;
    private readonly Series<CableSample> _series = new();

    public Cable(SupplyChainModel model, int index)
    {
        _model = model;
        _spec = model.Spec.Cables[index];
        _net = model.Spec.Network;
        _subscribers = model.SubscribersOf(_spec.Id, cable: true);
        int self = model.First(EntityKinds.Cable) + index;
        _peers = model.GroupPeersOf(self);
        _peerBackgroundTbps = [.. _peers.Select(p => BackgroundMean(model.Spec.Cables[model.IndexInKind(p)]))];
        _landings = model.LandingsOf(self);
    }

    private static double BackgroundMean(CableSpec c) => c.CapacityTbps * c.BackgroundShare;

    public override void Init(IEventContext ctx) => ctx.ScheduleSelf(new SimTime(SimTime.MicrosPerHour), CableTick.Instance);

    /// <summary>The background profile's multiplier at <paramref name="micros"/> (UTC hour; 1 without a profile).</summary>
    private double Profile(long micros) => _net.BackgroundProfile is { Length: 24 } p ? p[(int)(micros / SimTime.MicrosPerHour % 24)] : 1.0;

    /// <summary>Share of its own background it cannot carry: 1 when cut, else the share of its landing stations that are down
    /// (each landing carries an equal share of its background, ESTIMATE).</summary>
    private double DownShare()
    {
        if (_cut) return 1;
        if (_landings.Length == 0 || _elementsDown.Count == 0) return 0;
        int down = 0;
        foreach (int l in _landings) if (_elementsDown.Contains(l)) down++;
        return down / (double)_landings.Length;
    }

    /// <summary>Background moved onto this cable from members of its group that are cut or have landings down (Tbps, before
    /// the hourly profile): <see cref="NetworkSpec.BackgroundReroute"/> of what they cannot carry, spread over the group in
    /// proportion to the capacity still up.</summary>
    private double ReroutedMeanTbps()
    {
        double mine = 1 - DownShare();
        if (_peerDownShare.Count == 0 || mine <= 0) return 0;
        double moved = 0, survivingCapacity = _spec.CapacityTbps * mine;
        for (int i = 0; i < _peers.Length; i++)
        {
            double down = _peerDownShare.GetValueOrDefault(_peers[i]);
            moved += _peerBackgroundTbps[i] * down;
            survivingCapacity += _model.Spec.Cables[_model.IndexInKind(_peers[i])].CapacityTbps * (1 - down);
        }
        return survivingCapacity <= 0 ? 0 : moved * _net.BackgroundReroute * _spec.CapacityTbps * mine / survivingCapacity;
    }

    /// <summary>Background and rerouted background at <paramref name="micros"/> (Tbps).</summary>
    private (double Background, double Rerouted) BackgroundAt(long micros)
    {
        double m = Profile(micros);
        return (BackgroundMean(_spec) * (1 - DownShare()) * m, ReroutedMeanTbps() * m);
    }

    /// <summary>Utilisation at <paramref name="micros"/>: all traffic ÷ design capacity.</summary>
    private double Rho(long micros)
    {
        var (bg, moved) = BackgroundAt(micros);
        return (bg + moved + _aiTbps) / _spec.CapacityTbps;
    }

    /// <summary>Delay a crossing waits at utilisation <paramref name="rho"/> (µs): M/M/1 waiting time, capped.</summary>
    public static long QueueingMicros(double rho, NetworkSpec net) =>
        rho >= 1 ? net.MaxQueueingMicros : Math.Min(net.MaxQueueingMicros, (long)Math.Round(net.QueueingMicros * rho / (1 - rho)));

    private void Roll(long now)
    {
        long k = _model.IntervalOf(now);
        if (k == _interval) return;
        double seconds = SimTime.ToHours(_model.Spec.DispatchIntervalMicros) * 3600;
        _aiTbps = k == _interval + 1 ? _intervalBytes * 8 / seconds / 1e12 : 0;
        _interval = k;
        _intervalBytes = 0;
    }

    /// <summary>Accumulates this hour's ∫rerouted dt up to <paramref name="now"/> (call before the rerouted background changes).</summary>
    private void Advance(long now)
    {
        _hourRerouteIntegral += ReroutedMeanTbps() * (now - _lastChange);
        _lastChange = now;
    }

    public override void Handle(IEventContext ctx, object? payload)
    {
        long now = ctx.Now.Micros;
        _lastNow = now;
        var net = new ChannelId(SupplyChainModel.ChannelNetwork);
        switch (payload)
        {
            case Bundle b when b.HubArrival == 0 && b.Done == 0:    // a request that has crossed towards a hub
            {
                Roll(now);
                double bytes = b.Tokens * _net.BytesPerToken;
                var reason = _cut ? (now - b.CableMicros < _cutAt ? DropReason.LostInFlight : DropReason.CableCut)
                    : PathDown(b) ? DropReason.PathDown : DropReason.None;
                if (reason != DropReason.None)
                {
                    Refuse(ctx, b, b.Requests, reason, bytes);
                    return;
                }
                double rho = Rho(now);
                if (rho > _hourPeakRho) _hourPeakRho = rho;
                long wait = QueueingMicros(rho, _net);
                int dropped = rho > 1 ? (int)Math.Round(b.Requests * (1 - 1 / rho)) : 0;
                if (dropped > 0)
                {
                    Refuse(ctx, b with { Requests = dropped, Tokens = b.Tokens * dropped / b.Requests }, dropped, DropReason.Congestion, bytes * dropped / b.Requests);
                    if (dropped == b.Requests) return;
                    bytes *= (b.Requests - dropped) / (double)b.Requests;
                    b = b with { Tokens = b.Tokens * (b.Requests - dropped) / b.Requests, Requests = b.Requests - dropped };
                }
                if (bytes > 0) ctx.AddMetric(M.BytesCarried, bytes);
                _intervalBytes += bytes;
                _hourBytes += bytes;
                _hourRequests += b.Requests;
                _hourAddedMsWeighted += wait / 1000.0 * b.Requests;
                _carriedRequests += b.Requests;
                ctx.Send(new EntityId(b.Hub), new SimTime((long)b.OneWayMicros + wait), b, net);
                break;
            }
            case Bundle b:                                           // a response that has crossed towards its users
            {
                Roll(now);
                var back = b;
                long wait = 0;
                if (b.Drop == DropReason.None)
                {
                    var reason = _cut ? (now + SupplyChainModel.MinNetworkDelay.Micros - b.CableMicros < _cutAt ? DropReason.LostInFlight : DropReason.CableCut)
                        : PathDown(b) ? DropReason.PathDown : DropReason.None;
                    if (reason != DropReason.None)
                    {
                        back = b with { Drop = reason };
                        Count(reason, b.Requests);
                    }
                    else
                    {
                        wait = QueueingMicros(Rho(now), _net);
                        _hourAddedMsWeighted += wait / 1000.0 * b.Requests;
                    }
                }
                ctx.Send(new EntityId(b.Origin), new SimTime(SupplyChainModel.MinNetworkDelay.Micros + wait), back, net);
                break;
            }
            case CableTick:
                Roll(now);
                FlushHour(now);
                ctx.ScheduleSelf(new SimTime(SimTime.MicrosPerHour), CableTick.Instance);
                break;
            case CableStatus c:                                      // a member of its group changed what it can carry
                Advance(now);
                if (c.DownShare > 0) _peerDownShare[c.Cable] = c.DownShare; else _peerDownShare.Remove(c.Cable);
                break;
            case PathStatus p:                                       // a landing station or segment of its routes
            {
                double before = DownShare();
                Advance(now);
                if (p.Up) _elementsDown.Remove(p.Element); else _elementsDown.Add(p.Element);
                if (DownShare() != before) TellPeers(ctx);
                break;
            }
            case FaultSignal f when f.Kind == FaultKind.CableCut:
                if (f.Begin == _cut) break;   // a repair that an explicit end already did (or a second cut)
                Advance(now);
                _cut = f.Begin;
                _cutAt = now;
                ctx.Record(f.Begin ? "cable-cut" : "cable-restored", _spec.Id);
                foreach (int u in _subscribers)
                    ctx.Send(new EntityId(u), _model.Convergence, new CableStatus(ctx.Self.Value, !_cut), new ChannelId(SupplyChainModel.ChannelControl));
                TellPeers(ctx);
                if (f.Begin && f.DurationMicros == 0 && _spec.RepairMicros > 0)
                    ctx.ScheduleSelf(new SimTime(_spec.RepairMicros), f with { Begin = false });
                break;
        }
    }

    /// <summary>Tells the members of its group what share of its background they now take (after the convergence).</summary>
    private void TellPeers(IEventContext ctx)
    {
        var status = new CableStatus(ctx.Self.Value, !_cut) { DownShare = DownShare() };
        foreach (int peer in _peers) ctx.Send(new EntityId(peer), _model.Convergence, status, new ChannelId(SupplyChainModel.ChannelControl));
    }

    private bool PathDown(Bundle b)
    {
        if (_elementsDown.Count == 0 || b.Route < 0) return false;
        foreach (int e in _model.RoutesOf(_model.IndexInKind(b.Origin))[b.Route].Via)
            if (_elementsDown.Contains(e)) return true;
        return false;
    }

    /// <summary>Sends <paramref name="requests"/> of a request bundle back to its origin as dropped for <paramref name="reason"/>.</summary>
    private void Refuse(IEventContext ctx, Bundle b, int requests, DropReason reason, double bytes)
    {
        ctx.Send(new EntityId(b.Origin), new SimTime(b.CableMicros), b with { Drop = reason, Done = ctx.Now.Micros }, new ChannelId(SupplyChainModel.ChannelNetwork));
        ctx.AddMetric(M.NetResponsesSent, requests);
        ctx.AddMetric(M.NetRequestsReceived, requests);
        if (bytes > 0) ctx.AddMetric(M.BytesDropped, bytes);
        Count(reason, requests);
    }

    private void Count(DropReason reason, int requests)
    {
        switch (reason)
        {
            case DropReason.Congestion: _hourCongestion += requests; break;
            case DropReason.PathDown: _hourPathDown += requests; break;
            default: _hourLost += requests; break;
        }
    }

    private void FlushHour(long now)
    {
        Advance(now);
        _series.Add(HourSample(now));
        _hourStart = now;
        _hourBytes = _hourRequests = _hourCongestion = _hourLost = _hourPathDown = _hourAddedMsWeighted = _hourRerouteIntegral = _hourPeakRho = 0;
    }

    /// <summary>The row of the hour that began at <see cref="_hourStart"/>, up to <paramref name="now"/> (changes nothing).</summary>
    private CableSample HourSample(long now)
    {
        long span = Math.Max(1, now - _hourStart);
        double m = Profile(_hourStart);
        double background = BackgroundMean(_spec) * (1 - DownShare()) * m;
        double rerouted = (_hourRerouteIntegral + ReroutedMeanTbps() * (now - _lastChange)) / span * m;
        double ai = _hourBytes * 8 / (span / 1e6) / 1e12;
        double rho = (background + rerouted + ai) / _spec.CapacityTbps;
        double added = _hourRequests > 0 ? _hourAddedMsWeighted / _hourRequests : QueueingMicros(rho, _net) / 1000.0;
        return new CableSample(SimTime.ToHours(_hourStart), background, rerouted, ai * 1000, rho, Math.Max(_hourPeakRho, rho), added,
            _hourRequests, _hourCongestion, _hourLost, _hourPathDown, _cut ? 1 : 0);
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_cut); w.Write(_cutAt); w.Write(_carriedRequests);
        w.Write(_peerDownShare.Count); foreach (var (p, share) in _peerDownShare) { w.Write(p); w.Write(share); }
        w.Write(_elementsDown.Count); foreach (var e in _elementsDown) w.Write(e);
        w.Write(_interval); w.Write(_intervalBytes); w.Write(_aiTbps);
        w.Write(_hourStart); w.Write(_lastChange); w.Write(_lastNow);
        foreach (var v in new[] { _hourBytes, _hourRequests, _hourCongestion, _hourLost, _hourPathDown, _hourAddedMsWeighted, _hourRerouteIntegral, _hourPeakRho }) w.Write(v);
        _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _cut = r.ReadBoolean(); _cutAt = r.ReadInt64(); _carriedRequests = r.ReadDouble();
        _peerDownShare.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _peerDownShare[r.ReadInt32()] = r.ReadDouble();
        _elementsDown.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _elementsDown.Add(r.ReadInt32());
        _interval = r.ReadInt64(); _intervalBytes = r.ReadDouble(); _aiTbps = r.ReadDouble();
        _hourStart = r.ReadInt64(); _lastChange = r.ReadInt64(); _lastNow = r.ReadInt64();
        _hourBytes = r.ReadDouble(); _hourRequests = r.ReadDouble(); _hourCongestion = r.ReadDouble(); _hourLost = r.ReadDouble();
        _hourPathDown = r.ReadDouble(); _hourAddedMsWeighted = r.ReadDouble(); _hourRerouteIntegral = r.ReadDouble(); _hourPeakRho = r.ReadDouble();
        _series.Load(r);
    }

    /// <summary>Its carried requests and hourly rows, with the hour in progress up to the last event it handled.</summary>
    public override void WriteReport(BinaryWriter w)
    {
        w.Write(_carriedRequests);
        var copy = new Series<CableSample>();
        foreach (var row in _series.Rows) copy.Add(row);
        if (_lastNow > _hourStart) copy.Add(HourSample(_lastNow));
        copy.Save(w);
    }

    public override void Describe(IDictionary<string, object?> d)
    {
        d["cut"] = _cut;
        d["carriedRequests"] = _carriedRequests;
        d["capacityTbps"] = _spec.CapacityTbps;
        d["aiTbps"] = _aiTbps;
        d["groupPeersDown"] = _peerDownShare.Count;
        d["downShare"] = DownShare();
        d["pathElementsDown"] = _elementsDown.Count;
    }
}

/// <summary>One hour of a cable (a row of cables.csv): background (Tbps, as at the hour's end: the hour's profile, less the
/// share of its landing stations then down), background rerouted onto it from cut cables of its group (Tbps, hour mean), AI traffic it carried (Gbps), mean and peak utilisation (all traffic ÷ design capacity; the peak is
/// the highest a request saw), mean queueing delay added to a request's round trip (ms, request and response crossings,
/// request-weighted; at no traffic one crossing's delay at the mean utilisation), requests carried, dropped for congestion, lost to the cut (in flight or sent before routing
/// converged), dropped for a failed landing station or segment, and whether it was cut at the hour's end.</summary>
public readonly record struct CableSample(double Hour, double BackgroundTbps, double ReroutedTbps, double AiGbps, double Utilisation,
    double PeakUtilisation, double AddedLatencyMs, double Requests, double DroppedCongestion, double LostToCut, double DroppedPathDown, double Cut)
    : ISample<CableSample>
{
    public static IReadOnlyList<string> Columns { get; } =
        ["hour", "background_tbps", "rerouted_tbps", "ai_gbps", "utilisation", "peak_utilisation", "added_latency_ms", "requests",
         "dropped_congestion", "lost_to_cut", "dropped_path_down", "cut"];

    public double[] Values() => [Hour, BackgroundTbps, ReroutedTbps, AiGbps, Utilisation, PeakUtilisation, AddedLatencyMs, Requests,
        DroppedCongestion, LostToCut, DroppedPathDown, Cut];

    public static CableSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
}

/// <summary>What a cable reports: the requests it carried towards hubs and its hourly series (cables.csv; the summary's
/// <see cref="SupplyChainSummary.Cables"/>).</summary>
public sealed record CableReport(double CarriedRequests, Series<CableSample> Series) : IEntityReport
{
    ISeries IEntityReport.Series => Series;

    public static CableReport Read(BinaryReader r) => new(r.ReadDouble(), Series<CableSample>.Read(r));

    public void AddTo(SupplyChainSummary s, string id) => s.Cables[id] = this;
}
