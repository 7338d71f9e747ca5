using GridActors.Kernel;
using GridActors.Model.Serving;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A population of users. Bundles of requests arrive as a Poisson process whose rate follows the local
/// hour's diurnal multiplier and any demand spikes; the routing policy picks a hub and a route from the
/// (stale) hub and cable status it has heard; the region records time to first token, SLO violations
/// and drops by reason when responses come back.
/// Cohort model: a bundle stands for <c>RequestsPerBundle</c> identical requests that share one arrival,
/// one queue position and one latency (documented in README).
/// With request classes (<see cref="UserRegionSpec.Classes"/>) the region's requests arrive as a Poisson process at
/// <c>bundles_per_second × requests_per_bundle × diurnal × spikes</c> per second, as two independent streams — real-time
/// and batch classes, at their shares of the rate — each cut into cohorts of the next <c>cohort</c> requests, whose
/// classes, lengths and arrival offsets <see cref="Cohorts"/> draws from the cohort's key; the next cohort of a stream
/// starts one gap after its last request. The hub serving it records each request's TTFT and TPOT.
/// </summary>
public sealed class UserRegion : Entity
{
    private const int Arrived = 0, Completed = 1, Dropped = 2, SloViolations = 3, TtftSumMs = 4;

    private readonly SupplyChainModel _model;
    private readonly UserRegionSpec _spec;
    private readonly IRoutingPolicy _policy;
    private readonly RouteOption[] _routes;
    private readonly HeardNetwork _heard = new();
    private readonly List<(double Multiplier, long Start, long Ramp)> _spikes = [];
    private long _nextId;
    private readonly LatencyHistogram _ttft = new();
    private readonly LatencyHistogram _batchTurnaround = new();
    private long _hour = -1;
    private double[] _hourCounts = new double[5]; // this hour's requests by the indices above (and the sum of their TTFT)
    private readonly Series<UserSample> _series = new();
    private readonly long _batchDeadline;

    public UserRegion(SupplyChainModel model, int index)
    {
        _model = model;
        _spec = model.Spec.Users[index];
        _policy = model.Spec.Policy;
        _routes = model.RoutesOf(index);
        _batchDeadline = BatchDeadline(model.Spec, _spec);
    }

    /// <summary>The deadline of the region's batch work (µs): the tightest of its batch classes' own (a cohort mixes them),
    /// else the region's, else the scheduler's; 0 without a scheduler.</summary>
    private static long BatchDeadline(SupplyChainSpec spec, UserRegionSpec user)
    {
        if (spec.Batch is null) return 0;
        long regional = user.BatchDeadlineMicros > 0 ? user.BatchDeadlineMicros : spec.Batch.DeadlineMicros, deadline = regional;
        foreach (var c in user.ServedClasses)
            if (!c.RealTime) deadline = Math.Min(deadline, c.DeadlineMicros > 0 ? c.DeadlineMicros : regional);
        return deadline;
    }

    public LatencyHistogram Ttft => _ttft;

    public override void Init(IEventContext ctx)
    {
        if (_model.ClassesOf(_model.IndexInKind(ctx.Self.Value)).Count == 0)
        {
            ScheduleNextArrival(ctx);
            return;
        }
        int user = _model.IndexInKind(ctx.Self.Value);
        foreach (bool realTime in new[] { true, false })
            if (_model.MixOf(user, realTime).Share > 0) ctx.ScheduleSelf(SimTime.Zero, new CohortTick(realTime));
    }

    private double Rate(long micros)
    {
        if (_model.Spec.DemandUntilMicros > 0 && micros >= _model.Spec.DemandUntilMicros) return 0;
        double localHour = (SimTime.ToHours(micros) + _spec.UtcOffsetHours) % 24;
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
        long delay = rate <= 0 ? SimTime.MicrosPerMinute : Math.Max(1, (long)(ctx.Rng.NextExponential(1.0 / rate) * SimTime.MicrosPerSecond));
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
            case CohortTick t:   // rate zero: look again in a minute
                ctx.ScheduleSelf(new SimTime(Rate(ctx.Now.Micros) > 0 ? ArriveCohort(ctx, t.RealTime) : SimTime.MicrosPerMinute), t);
                break;
            case Bundle b:
                OnResponse(ctx, b);
                break;
            case HubStatus or CableStatus or PathStatus:
                _heard.Hear(payload);
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
        long hour = micros / SimTime.MicrosPerHour;
        if (hour == _hour) return;
        if (_hour >= 0) FlushHour();
        _hour = hour;
    }

    private void FlushHour()
    {
        _series.Add(HourSample());
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
        _hourCounts[Arrived] += requests;
        long id = _nextId++; // unique together with the origin (this entity): see Bundle
        if (!realTime && _model.Spec.Batch is not null)
        {
            ToScheduler(ctx, new Bundle(id, ctx.Self.Value, -1, -1, requests, tokens, false, ctx.Now.Micros));
            return;
        }
        var route = Choose(realTime);
        if (route is null)
        {
            ctx.AddMetric(M.DropNoRoute, requests);
            _hourCounts[Dropped] += requests;
            return;
        }
        if (route.OneWay > BestOneWay(route.Hub)) ctx.AddMetric(M.Rerouted, requests);
        var bundle = new Bundle(id, ctx.Self.Value, route.Hub, route.Cable, requests, tokens, realTime, ctx.Now.Micros,
            OneWayMicros: route.TerrestrialMicros, CableMicros: route.CableMicros) { Route = route.Index };
        Send(ctx, _model, bundle, route, 0);
    }

    /// <summary>Puts <paramref name="bundle"/> on <paramref name="route"/> after <paramref name="offset"/> µs: over its cable (counting
    /// the bytes sent) or straight to its hub; <paramref name="countSent"/>: count its requests as sent (the batch scheduler's
    /// were counted when their region handed them over).</summary>
    internal static void Send(IEventContext ctx, SupplyChainModel model, Bundle bundle, RouteOption route, long offset, bool countSent = true)
    {
        if (countSent) ctx.AddMetric(M.NetRequestsSent, bundle.Requests);
        var net = new ChannelId(SupplyChainModel.ChannelNetwork);
        if (route.Cable >= 0)
        {
            if (model.Spec.Network.BytesPerToken > 0) ctx.AddMetric(M.BytesSent, bundle.Tokens * model.Spec.Network.BytesPerToken);
            ctx.Send(new EntityId(route.Cable), new SimTime(route.CableMicros + offset), bundle, net);
        }
        else ctx.Send(new EntityId(route.Hub), new SimTime(route.TerrestrialMicros + offset), bundle, net);
    }

    /// <summary>Sends the next cohort of requests (see the class notes); returns the time to the next one (µs).</summary>
    private long ArriveCohort(IEventContext ctx, bool realTime)
    {
        Roll(ctx.Now.Micros);
        var mix = _model.MixOf(_model.IndexInKind(ctx.Self.Value), realTime);
        double rate = Rate(ctx.Now.Micros) * Math.Max(1, _spec.RequestsPerBundle) * mix.Share;
        long id = _nextId++;
        int requests = _spec.CohortSize;
        double tokens = mix.TotalTokens(requests);
        ctx.AddMetric(M.Arrived, requests);
        ctx.AddMetric(M.TokensArrived, tokens);
        _hourCounts[Arrived] += requests;
        long span = mix.Replayed is { } rows
            ? Cohorts.ReplaySpanMicros(rows, id, requests, rate)
            : Cohorts.SpanMicros(Cohorts.Key(ctx.RunSeed, ctx.Self.Value, id), requests, rate);
        if (!realTime && _model.Spec.Batch is not null)
        {
            ToScheduler(ctx, new Bundle(id, ctx.Self.Value, -1, -1, requests, tokens, false, ctx.Now.Micros) { Class = 0, RatePerSecond = rate });
            return span;
        }
        var route = Choose(realTime);
        if (route is null)
        {
            ctx.AddMetric(M.DropNoRoute, requests);
            _hourCounts[Dropped] += requests;
            return span;
        }
        if (route.OneWay > BestOneWay(route.Hub)) ctx.AddMetric(M.Rerouted, requests);
        var bundle = new Bundle(id, ctx.Self.Value, route.Hub, route.Cable, requests, tokens, realTime, ctx.Now.Micros,
            OneWayMicros: route.TerrestrialMicros, CableMicros: route.CableMicros) { Class = 0, RatePerSecond = rate, Route = route.Index };
        Send(ctx, _model, bundle, route, 0);
        return span;
    }

    /// <summary>Hands batch work to the batch scheduler with its deadline (<see cref="BatchDeadline"/>).</summary>
    private void ToScheduler(IEventContext ctx, Bundle job)
    {
        ctx.AddMetric(M.NetRequestsSent, job.Requests);
        ctx.Send(new EntityId(_model.SchedulerId), SupplyChainModel.MinNetworkDelay, job with { Deadline = ctx.Now.Micros + _batchDeadline },
            new ChannelId(SupplyChainModel.ChannelControl));
    }

    private long BestOneWay(int hub)
    {
        long best = long.MaxValue;
        foreach (var r in _routes) if (r.Hub == hub && r.OneWay < best) best = r.OneWay;
        return best;
    }

    private RouteOption? Choose(bool realTime) =>
        _heard.ViewOf(_routes, _spec.RequestsPerBundle) is { } view ? _policy.Choose(view, realTime) : null;

    private UserSample HourSample()
    {
        var c = _hourCounts;
        return new UserSample(_hour, c[Arrived], c[Completed], c[Dropped], c[SloViolations], c[Completed] > 0 ? c[TtftSumMs] / c[Completed] : 0);
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
                DropReason.DeadlineMissed => M.DropDeadline,
                DropReason.Congestion => M.DropCongestion,
                DropReason.LostInFlight => M.DropLostInFlight,
                DropReason.PathDown => M.DropPathDown,
                _ => M.DropNoRoute,
            }, b.Requests);
            _hourCounts[Dropped] += b.Requests;
            return;
        }
        ctx.AddMetric(M.Completed, b.Requests);
        if (b.Deadline > 0)
        {
            ctx.AddMetric(M.BatchDone, b.Requests);
            if (ctx.Now.Micros > b.Deadline) ctx.AddMetric(M.BatchLate, b.Requests);
        }
        double ttftMs = (b.FirstToken - b.CreatedAt + (ctx.Now.Micros - b.Done)) / 1000.0;
        _hourCounts[Completed] += b.Requests;
        _hourCounts[TtftSumMs] += ttftMs * b.Requests;
        if (b.Class >= 0 && _model.Spec.Hubs[_model.IndexInKind(b.Hub)].Accelerator is not null) return;   // replicas recorded each request's TTFT, TPOT and objectives
        if (b.RealTime)
        {
            _ttft.Add(ttftMs, b.Requests);
            if (ttftMs > _spec.SloTtftMs)
            {
                ctx.AddMetric(M.SloViolations, b.Requests);
                _hourCounts[SloViolations] += b.Requests;
            }
        }
        else _batchTurnaround.Add((ctx.Now.Micros - b.CreatedAt) / 1000.0, b.Requests);
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_nextId); w.Write(_hour);
        foreach (var c in _hourCounts) w.Write(c);
        _heard.Save(w);
        w.Write(_spikes.Count); foreach (var (m, s, r) in _spikes) { w.Write(m); w.Write(s); w.Write(r); }
        _ttft.Save(w); _batchTurnaround.Save(w); _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _nextId = r.ReadInt64(); _hour = r.ReadInt64();
        for (int i = 0; i < _hourCounts.Length; i++) _hourCounts[i] = r.ReadDouble();
        _heard.Load(r);
        _spikes.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _spikes.Add((r.ReadDouble(), r.ReadInt64(), r.ReadInt64()));
        _ttft.Load(r); _batchTurnaround.Load(r); _series.Load(r);
    }

    public override void Describe(IDictionary<string, object?> d)
    {
        d["bundlesCreated"] = _nextId;
        d["activeSpikes"] = _spikes.Count;
        d["cablesDown"] = string.Join(",", _heard.CablesDown.Select(c => _model.EntityKey(c)));
        d["hubsHeardFrom"] = _heard.Hubs.Count;
        d["ttftP50Ms"] = _ttft.Percentile(0.5);
        d["ttftP99Ms"] = _ttft.Percentile(0.99);
        d["realTimeRequestsServed"] = _ttft.Total;
    }

    public override void WriteReport(BinaryWriter w)
    {
        _ttft.Save(w);
        _batchTurnaround.Save(w);
        var copy = new Series<UserSample>();
        foreach (var row in _series.Rows) copy.Add(row);
        if (_hour >= 0) copy.Add(HourSample());
        copy.Save(w);
    }
}

/// <summary>A user region's hour (since the start): requests arrived, completed, dropped and over the TTFT objective, and the mean TTFT (ms).</summary>
public readonly record struct UserSample(double Hour, double Arrived, double Completed, double Dropped, double SloViolations, double MeanTtftMs)
    : ISample<UserSample>
{
    public static IReadOnlyList<string> Columns { get; } = ["hour", "arrived", "completed", "dropped", "slo_violations", "mean_ttft_ms"];

    public double[] Values() => [Hour, Arrived, Completed, Dropped, SloViolations, MeanTtftMs];

    public static UserSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3], v[4], v[5]);
}

/// <summary>What a user region reports: time to first token of real-time requests, turnaround of batch requests, its hourly series.</summary>
public sealed record UserReport(LatencyHistogram Ttft, LatencyHistogram BatchTurnaround, Series<UserSample> Series) : IEntityReport
{
    ISeries IEntityReport.Series => Series;

    public static UserReport Read(BinaryReader r) => new(LatencyHistogram.Read(r), LatencyHistogram.Read(r), Series<UserSample>.Read(r));

    public void AddTo(SupplyChainSummary s, string id)
    {
        if (s.TtftByRegion.TryGetValue(id, out var fromHubs)) fromHubs.Merge(Ttft);   // hubs recorded its class requests
        else s.TtftByRegion[id] = Ttft;
        s.BatchTurnaroundByRegion[id] = BatchTurnaround;
    }
}
