using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A computing hub: <c>Servers</c> serving units with separate real-time and batch queues (real-time
/// first, FIFO within a class). A bundle's service time is its tokens ÷ the server's token rate. The
/// number of servers that may be busy is limited by failures and by the power the region granted for
/// the interval: when power is short the hub throttles and the queues grow. Every interval it asks
/// its region for the power it needs and publishes its status to the user regions.
/// A hub on accelerators (<see cref="HubSpec.Accelerator"/>) serves cohorts of request classes on replicas with
/// continuous batching instead (<see cref="HubReplicas"/>): same queues, power asked for and billed as drawn.
/// <para>Electricity is billed per dispatch interval at its flat tariff (<see cref="HubSpec.ElectricityUsdPerMWh"/>) or, with
/// <see cref="HubPricing.Locational"/>, at the price of its region's interval in which the energy was drawn (carried by that
/// interval's <see cref="PowerGrant"/>): serving units pay for the power granted when the grant arrives; replicas pay for what
/// they drew at the start of the next interval, still at the price of the interval drawn in (the next grant comes later).
/// The cost index published for routing stays on the tariff. Carbon per token: see <see cref="HubCarbon"/>.</para>
/// </summary>
public sealed class Hub : Entity
{
    /// <summary>Power forecast headroom: one serving unit more than last interval's peak per this many units up (10 %).
    /// ESTIMATE of how operators size the next interval's power request.</summary>
    public const int UnitsPerHeadroomUnit = 10;

    private readonly SupplyChainModel _model;
    private readonly HubSpec _spec;
    private readonly int _region;
    private readonly Queue<Bundle> _realTime = new();
    private readonly Queue<Bundle> _batch = new();
    private readonly SortedDictionary<(int Origin, long Id), Bundle> _inService = [];
    private readonly HubReplicas? _pool;
    private int _up;            // servers not failed
    private int _usable;        // servers the granted power can run (≤ _up)
    private double _grantMW;
    private double _greenSurplusMW;
    private double _absorbableMW, _marginalJPerToken, _headroomMW, _waitMs, _overflowed, _spareTokensPerSecond;   // for the batch scheduler (see HubStatus)
    private double _tokensThisInterval, _inputThisInterval, _outputThisInterval;
    private double _demandMW;
    private readonly bool _locational;
    // The interval being drawn: its region's clearing (from its grant) and, on serving units, the energy granted for it.
    private double _priceUsdPerMWh, _carbonKgPerMWh, _marginalKgPerMWh, _intervalMWh;
    private readonly HubCarbon _carbon;
    private bool _throttled;
    private long _lastOverflowRecord = -1;
    private int _peakBusy;
    private readonly Series<HubSample> _series = new();

    public Hub(SupplyChainModel model, int index)
    {
        _model = model;
        _spec = model.Spec.Hubs[index];
        _region = model.RegionId(_spec.Region);
        if (_spec.Accelerator is not null) _pool = new HubReplicas(model, _spec);
        _up = _pool?.Replicas ?? _spec.Servers;
        _usable = _up;
        _subscribers = model.SubscribersOf(_spec.Id, cable: false);
        _locational = model.Spec.PricingOf(_spec) == HubPricing.Locational;
        _carbon = new HubCarbon(_subscribers);
    }

    private readonly int[] _subscribers;

    /// <summary>A hub on replicas reports itself congested when its requests waited longer than this on average for
    /// admission last interval (ms), or some waited too long and were dropped. ESTIMATE: a second is long against the
    /// hundreds of ms a prompt's prefill takes, short against the hub's drop limit.</summary>
    public const double CongestedWaitMs = 1000;

    public int Busy => _inService.Count;
    public int QueuedRequests => _realTime.Sum(b => b.Requests) + _batch.Sum(b => b.Requests);
    public int InServiceRequests => _inService.Values.Sum(b => b.Requests);
    public Series<HubSample> Series => _series;

    /// <summary>What the hub pays per MWh drawn in the interval of the last grant: its tariff, or the interval's locational price.</summary>
    private double PaidUsdPerMWh => _locational ? _priceUsdPerMWh : _spec.ElectricityUsdPerMWh;

    /// <summary>Keeps the clearing of the interval granted: the price and intensities of the energy drawn in it.</summary>
    private void Clearing(PowerGrant g)
    {
        _grantMW = g.MW;
        _greenSurplusMW = g.GreenSurplusMW;
        _priceUsdPerMWh = g.PriceUsdPerMWh;
        _carbonKgPerMWh = g.CarbonKgPerMWh;
        _marginalKgPerMWh = g.MarginalCarbonKgPerMWh;
        _absorbableMW = g.AbsorbableMW;
    }

    /// <summary>USD per million tokens at full load: electricity (at the tariff) plus capital.</summary>
    public double CostIndex
    {
        get
        {
            if (_spec.Accelerator is string type)
            {
                // A replica decoding a full batch: its power × PUE at the hub's price, plus its accelerators' rental.
                var acc = _model.Spec.Accelerators.First(a => a.Id == type);
                var r = acc.Replica;
                double perReplicaHourUsd = r.PowerW(false, r.MaxBatch) / 1e6 * _spec.Pue * _spec.ElectricityUsdPerMWh + acc.PerReplica * acc.RentalUsdPerHour;
                return perReplicaHourUsd / (r.DecodeTokensPerSecond(r.MaxBatch) * 3600) * SupplyChainSummary.TokensPerMillion;
            }
            double perServerHourUsd = _spec.FullMWPerServer * _spec.Pue * _spec.ElectricityUsdPerMWh + _spec.CapitalUsdPerServerHour;
            double tokensPerHour = _spec.TokensPerSecondPerServer * 3600;
            return perServerHourUsd / tokensPerHour * SupplyChainSummary.TokensPerMillion;
        }
    }

    public override void Init(IEventContext ctx)
    {
        ctx.ScheduleSelf(SimTime.Zero, Tick.Instance);
        ctx.ScheduleSelf(SimTime.Zero, PublishTick.Instance);
    }

    public override void Handle(IEventContext ctx, object? payload)
    {
        switch (payload)
        {
            case Tick:
                OnTick(ctx);
                break;
            case PublishTick:
                PublishStatus(ctx);
                ctx.ScheduleSelf(new SimTime(_model.Spec.HubStatusPeriodMicros), PublishTick.Instance);
                break;
            case PowerGrant g when _pool is not null:
                Clearing(g);
                bool wasCapped = _pool.Capped;
                _usable = Math.Min(_up, _pool.Grant(ctx.Now.Micros, g.MW, _demandMW));
                if (_pool.Capped != wasCapped)
                    ctx.Record(_pool.Capped ? "hub-power-capped" : "hub-power-uncapped", $"{g.MW:0.#} MW granted of {_demandMW:0.#} MW asked");
                SetThrottled(ctx, _usable < _up, g.MW);
                break;
            case PowerGrant g:
                Clearing(g);
                _intervalMWh = g.MW * _model.IntervalHours;
                ctx.AddMetric(M.HubEnergy, _intervalMWh);
                ctx.AddMetric(M.CostElectricity, _intervalMWh * PaidUsdPerMWh);
                // Throttle only when power is short: a full grant lets every working server run.
                double it = g.MW / _spec.Pue - _up * _spec.IdleMWPerServer;
                double perServer = _spec.FullMWPerServer - _spec.IdleMWPerServer;
                _usable = g.MW >= _demandMW * (1 - 1e-9) || perServer <= 0
                    ? _up
                    : (int)Math.Clamp(Math.Floor(it / perServer + 1e-9), 0, _up);
                SetThrottled(ctx, _usable < _up, g.MW);
                TryStart(ctx);
                break;
            case Bundle b:
                OnArrival(ctx, b);
                break;
            case Completion c when _pool is not null:
                OnCohortEnd(ctx, c.Bundle);
                break;
            case Completion c:
                OnCompletion(ctx, c.Bundle);
                break;
            case CohortDue d when _pool is not null:
                if (_inService.TryGetValue((d.Origin, d.Id), out var due))   // not lost in a failure
                {
                    var (settled, at) = _pool.EndOf(ctx, d.Origin, d.Id);
                    ctx.ScheduleSelf(new SimTime(Math.Max(0, at - ctx.Now.Micros)), settled ? new Completion(due) : d);
                }
                break;
            case FaultSignal f when f.Kind == FaultKind.HubFailure:
                int all = _pool?.Replicas ?? _spec.Servers;
                _up = f.Begin ? (int)Math.Round(all * (1 - Math.Clamp(f.Fraction, 0, 1))) : all;
                _usable = Math.Min(_usable, _up);
                _pool?.SetUp(ctx.Now.Micros, _up);
                if (_pool is not null) _usable = _pool.Usable;
                ctx.Record(f.Begin ? "hub-failed" : "hub-restored", $"{_up} of {all} {(_pool is null ? "units" : "replicas")} up");
                if (_up == 0) DropEverything(ctx);
                PublishStatus(ctx);
                break;
        }
    }

    private void SetThrottled(IEventContext ctx, bool throttled, double grantMW)
    {
        if (throttled == _throttled) return;
        _throttled = throttled;
        ctx.Record(throttled ? "hub-throttled" : "hub-unthrottled", $"{_usable} of {_up} {(_pool is null ? "units" : "replicas")} powered ({grantMW:0.#} MW granted)");
    }

    private void OnTick(IEventContext ctx)
    {
        long k = _model.IntervalOf(ctx.Now.Micros);
        if (_pool is not null) (_waitMs, _overflowed) = _pool.Congestion;
        var bill = _pool?.Bill(ctx, ctx.Now.Micros) ?? default;
        if (_pool is not null && k > 0)
        {
            // Energy a token added last interval: the facility energy above the replicas' idle draw per token served.
            double aboveIdleJ = Math.Max(0, bill.ItMWh - _pool.IdleMW * _model.IntervalHours) * _spec.Pue * SupplyChainSummary.JoulesPerMWh;
            if (_tokensThisInterval > 0) _marginalJPerToken = aboveIdleJ / _tokensThisInterval;
            _pool.NoteMix(_inputThisInterval, _outputThisInterval);
            _spareTokensPerSecond = _pool.SpareTokensPerSecond(_tokensThisInterval / (_model.IntervalHours * 3600));
        }
        // The interval that just ended: its energy (replicas: metered now; serving units: granted), at its clearing.
        double mwh = _pool is not null ? bill.ItMWh * _spec.Pue : _intervalMWh;
        if (k > 0)
        {
            var (kg, marginalKg) = _carbon.Close(mwh, _carbonKgPerMWh, _marginalKgPerMWh);
            _series.Add(new HubSample(ctx.Now.TotalHours, _grantMW, _usable, Busy, QueuedRequests, _tokensThisInterval,
                bill.ItMWh, bill.PrefillAcceleratorHours, bill.BusyAcceleratorHours, _inputThisInterval, _outputThisInterval,
                mwh, PaidUsdPerMWh, kg, marginalKg, _pool?.ServingMean ?? _usable));
        }
        _tokensThisInterval = _inputThisInterval = _outputThisInterval = 0;
        _intervalMWh = 0;
        if (_pool is not null)
        {
            var (itMWh, busyHours, _, prefillMWh) = bill;
            ctx.AddMetric(M.PrefillItEnergy, prefillMWh);
            ctx.AddMetric(M.HubEnergy, mwh);
            ctx.AddMetric(M.ItEnergy, itMWh);
            ctx.AddMetric(M.BusyAcceleratorHours, busyHours);
            ctx.AddMetric(M.CostElectricity, mwh * PaidUsdPerMWh);
            var (capital, acceleratorHours) = _pool.Capital(_model.IntervalHours);
            ctx.AddMetric(M.CostCapital, capital);
            ctx.AddMetric(M.AcceleratorHours, acceleratorHours);
            _demandMW = _pool.DemandMW();
            _headroomMW = _pool.HeadroomMW();
            ctx.Send(new EntityId(_region), SupplyChainModel.EnergyDelay, new Demand(ctx.Self.Value, k, _demandMW, _headroomMW, _pool.SheddableMW(_demandMW)),
                new ChannelId(SupplyChainModel.ChannelEnergy));
            ctx.ScheduleSelf(new SimTime(_model.Spec.DispatchIntervalMicros), Tick.Instance);
            return;
        }
        ctx.AddMetric(M.CostCapital, _spec.Servers * _model.IntervalHours * _spec.CapitalUsdPerServerHour);
        // Forecast: the busiest the hub was last interval (or now, with its queue) plus 10 % headroom.
        int headroom = Math.Max(1, _up / UnitsPerHeadroomUnit);
        int wanted = Math.Min(_up, Math.Max(_peakBusy, Busy + _realTime.Count + _batch.Count) + headroom);
        _peakBusy = Busy;
        double it = _up * _spec.IdleMWPerServer + wanted * (_spec.FullMWPerServer - _spec.IdleMWPerServer);
        _demandMW = it * _spec.Pue;
        _headroomMW = (_up - wanted) * (_spec.FullMWPerServer - _spec.IdleMWPerServer) * _spec.Pue;
        _marginalJPerToken = _spec.TokensPerSecondPerServer > 0 ? (_spec.FullMWPerServer - _spec.IdleMWPerServer) * _spec.Pue * 1e6 / _spec.TokensPerSecondPerServer : 0;
        _spareTokensPerSecond = (_up - wanted) * _spec.TokensPerSecondPerServer;
        ctx.Send(new EntityId(_region), SupplyChainModel.EnergyDelay, new Demand(ctx.Self.Value, k, _demandMW, _headroomMW),
            new ChannelId(SupplyChainModel.ChannelEnergy));
        ctx.ScheduleSelf(new SimTime(_model.Spec.DispatchIntervalMicros), Tick.Instance);
    }

    private void PublishStatus(IEventContext ctx)
    {
        var status = new HubStatus(ctx.Self.Value, QueuedRequests, _spec.Servers, _up == 0 ? 0 : Math.Max(_usable, 0), _up > 0, _greenSurplusMW, CostIndex)
        {
            AbsorbableMW = _absorbableMW, PriceUsdPerMWh = _priceUsdPerMWh, HeadroomMW = _headroomMW, MarginalJPerToken = _marginalJPerToken,
            Congested = _overflowed > 0 || _waitMs > CongestedWaitMs, SpareTokensPerSecond = _spareTokensPerSecond,
        };
        foreach (int u in _subscribers)
            ctx.Send(new EntityId(u), SupplyChainModel.MinNetworkDelay, status, new ChannelId(SupplyChainModel.ChannelControl));
    }

    private void OnArrival(IEventContext ctx, Bundle b)
    {
        ctx.AddMetric(M.NetRequestsReceived, b.Requests);
        ctx.AddMetric(M.HubReceived, b.Requests);
        var arrived = b with { HubArrival = ctx.Now.Micros };
        if (_up == 0) { Respond(ctx, arrived with { Drop = DropReason.HubDown, Done = ctx.Now.Micros }); return; }
        if (_realTime.Count + _batch.Count >= _spec.QueueLimit)
        {
            long k = _model.IntervalOf(ctx.Now.Micros);
            if (k != _lastOverflowRecord) { _lastOverflowRecord = k; ctx.Record("queue-overflow", $"{_spec.QueueLimit} bundles waiting"); }
            Respond(ctx, arrived with { Drop = DropReason.QueueOverflow, Done = ctx.Now.Micros }); return; }
        if (_pool is not null)
        {
            _inService.Add((b.Origin, b.Id), arrived with { ServiceStart = ctx.Now.Micros });
            long due = _pool.Admit(ctx, arrived);
            ctx.ScheduleSelf(new SimTime(due - ctx.Now.Micros), new CohortDue(b.Origin, b.Id));
            if (Busy > _peakBusy) _peakBusy = Busy;
            return;
        }
        (b.RealTime ? _realTime : _batch).Enqueue(arrived);
        TryStart(ctx);
    }

    private void TryStart(IEventContext ctx)
    {
        int limit = Math.Min(_usable, _up);
        while (Busy < limit && (_realTime.Count > 0 || _batch.Count > 0))
        {
            var b = _realTime.Count > 0 ? _realTime.Dequeue() : _batch.Dequeue();
            long service = Math.Max(1, (long)Math.Round(b.Tokens / _spec.TokensPerSecondPerServer * SimTime.MicrosPerSecond));
            long now = ctx.Now.Micros;
            var started = b with { ServiceStart = now, FirstToken = now + (long)(service * _model.PrefillShareOf(b)) };
            ctx.AddMetric(M.WaitSum, now - b.HubArrival);
            ctx.AddMetric(M.WaitCount, 1);
            _inService.Add((b.Origin, b.Id), started);
            ctx.ScheduleSelf(new SimTime(service), new Completion(started));
            if (Busy > _peakBusy) _peakBusy = Busy;
        }
    }

    /// <summary>A cohort on replicas ended: its served part goes back with its tokens, the part its replicas dropped
    /// (waited too long) with the reason.</summary>
    private void OnCohortEnd(IEventContext ctx, Bundle b)
    {
        if (!_inService.Remove((b.Origin, b.Id))) return; // lost when the hub failed
        var pool = _pool!;
        long firstToken = b.HubArrival + pool.MeanTtftMicros(b);
        var (served, dropped, input, cached, output) = pool.Finish(b);
        long now = ctx.Now.Micros;
        if (served > 0)
        {
            double tokens = b.Tokens * served / b.Requests;
            ctx.AddMetric(M.HubServed, served);
            ctx.AddMetric(M.TokensServed, tokens);
            ctx.AddMetric(M.InputTokens, input);
            ctx.AddMetric(M.CachedTokens, cached);
            ctx.AddMetric(M.OutputTokens, output);
            var user = _model.Spec.Users[_model.IndexInKind(b.Origin)];
            double revenue = ((input - cached) * user.PriceInputUsdPerM + cached * user.PriceCachedInputUsdPerM + output * user.PriceOutputUsdPerM) / SupplyChainSummary.TokensPerMillion;
            if (revenue > 0) ctx.AddMetric(M.Revenue, revenue);
            _inputThisInterval += input;
            _outputThisInterval += output;
            ctx.AddMetric(M.CostNetwork, tokens / SupplyChainSummary.TokensPerMillion * _model.Spec.NetworkUsdPerMillionTokens);
            _tokensThisInterval += tokens;
            _carbon.Served(b.Origin, tokens);
            Respond(ctx, b with { Requests = served, Tokens = tokens, FirstToken = firstToken, Done = now });
        }
        if (dropped > 0)
            Respond(ctx, b with { Requests = dropped, Tokens = b.Tokens * dropped / b.Requests, Drop = DropReason.QueueOverflow, Done = now });
    }

    private void OnCompletion(IEventContext ctx, Bundle b)
    {
        if (!_inService.Remove((b.Origin, b.Id))) return; // lost when the hub failed
        ctx.AddMetric(M.HubServed, b.Requests);
        ctx.AddMetric(M.TokensServed, b.Tokens);
        ctx.AddMetric(M.CostNetwork, b.Tokens / SupplyChainSummary.TokensPerMillion * _model.Spec.NetworkUsdPerMillionTokens);
        _tokensThisInterval += b.Tokens;
        _carbon.Served(b.Origin, b.Tokens);
        Respond(ctx, b with { Done = ctx.Now.Micros });
        TryStart(ctx);
    }

    private void DropEverything(IEventContext ctx)
    {
        _pool?.Clear();
        foreach (var b in _inService.Values.ToList()) Respond(ctx, b with { Drop = DropReason.HubDown, Done = ctx.Now.Micros });
        _inService.Clear();
        while (_realTime.Count > 0) Respond(ctx, _realTime.Dequeue() with { Drop = DropReason.HubDown, Done = ctx.Now.Micros });
        while (_batch.Count > 0) Respond(ctx, _batch.Dequeue() with { Drop = DropReason.HubDown, Done = ctx.Now.Micros });
    }

    /// <summary>Sends a served or dropped bundle back the way it came.</summary>
    private void Respond(IEventContext ctx, Bundle b)
    {
        if (b.Drop != DropReason.None) ctx.AddMetric(M.HubDropped, b.Requests);
        ctx.AddMetric(M.NetResponsesSent, b.Requests);
        // Over a cable the response reaches the cable entity when it has crossed (less the lookahead the cable needs to
        // pass it on), so that a cut while it is on the cable loses it (see Cable).
        if (b.Cable >= 0)
            ctx.Send(new EntityId(b.Cable), new SimTime((long)b.OneWayMicros + b.CableMicros - SupplyChainModel.MinNetworkDelay.Micros), b, new ChannelId(SupplyChainModel.ChannelNetwork));
        else ctx.Send(new EntityId(b.Origin), new SimTime((long)b.OneWayMicros), b, new ChannelId(SupplyChainModel.ChannelNetwork));
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_up); w.Write(_usable); w.Write(_grantMW); w.Write(_greenSurplusMW); w.Write(_tokensThisInterval); w.Write(_inputThisInterval); w.Write(_outputThisInterval); w.Write(_demandMW); w.Write(_peakBusy); w.Write(_throttled); w.Write(_lastOverflowRecord);
        w.Write(_absorbableMW); w.Write(_marginalJPerToken); w.Write(_headroomMW); w.Write(_waitMs); w.Write(_overflowed); w.Write(_spareTokensPerSecond);
        w.Write(_priceUsdPerMWh); w.Write(_carbonKgPerMWh); w.Write(_marginalKgPerMWh); w.Write(_intervalMWh);
        _carbon.Save(w);
        w.Write(_realTime.Count); foreach (var b in _realTime) SupplyChainCodec.WriteBundle(w, b);
        w.Write(_batch.Count); foreach (var b in _batch) SupplyChainCodec.WriteBundle(w, b);
        w.Write(_inService.Count); foreach (var b in _inService.Values) SupplyChainCodec.WriteBundle(w, b);
        _pool?.Save(w);
        _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _up = r.ReadInt32(); _usable = r.ReadInt32(); _grantMW = r.ReadDouble(); _greenSurplusMW = r.ReadDouble(); _tokensThisInterval = r.ReadDouble(); _inputThisInterval = r.ReadDouble(); _outputThisInterval = r.ReadDouble(); _demandMW = r.ReadDouble(); _peakBusy = r.ReadInt32(); _throttled = r.ReadBoolean(); _lastOverflowRecord = r.ReadInt64();
        _absorbableMW = r.ReadDouble(); _marginalJPerToken = r.ReadDouble(); _headroomMW = r.ReadDouble(); _waitMs = r.ReadDouble(); _overflowed = r.ReadDouble(); _spareTokensPerSecond = r.ReadDouble();
        _priceUsdPerMWh = r.ReadDouble(); _carbonKgPerMWh = r.ReadDouble(); _marginalKgPerMWh = r.ReadDouble(); _intervalMWh = r.ReadDouble();
        _carbon.Load(r);
        _realTime.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _realTime.Enqueue(SupplyChainCodec.ReadBundle(r));
        _batch.Clear(); for (int n = r.ReadInt32(); n > 0; n--) _batch.Enqueue(SupplyChainCodec.ReadBundle(r));
        _inService.Clear(); for (int n = r.ReadInt32(); n > 0; n--) { var b = SupplyChainCodec.ReadBundle(r); _inService[(b.Origin, b.Id)] = b; }
        _pool?.Load(r);
        _series.Load(r);
    }

    public override void Describe(IDictionary<string, object?> d)
    {
        d["serversUp"] = _up;
        d["serversUsable"] = _usable;
        d["serversBusy"] = Busy;
        d["throttled"] = _throttled;
        d["queuedRealTimeBundles"] = _realTime.Count;
        d["queuedBatchBundles"] = _batch.Count;
        d["queuedRequests"] = QueuedRequests;
        d["grantMW"] = _grantMW;
        d["demandMW"] = _demandMW;
        d["greenSurplusMW"] = _greenSurplusMW;
        d["pricing"] = _locational ? "locational" : "tariff";
        d["priceUsdPerMWh"] = PaidUsdPerMWh;
        d["carbonKgPerMWh"] = _carbonKgPerMWh;
        d["marginalCarbonKgPerMWh"] = _marginalKgPerMWh;
        if (_pool is not null)
        {
            d["replicasUp"] = _pool.Up;
            d["replicasUsable"] = _pool.Usable;
            d["replicasServing"] = _pool.Serving;
            d["powerCapped"] = _pool.Capped;
            d["cohortsInService"] = _pool.CohortsInService;
            d["kvPeakShare"] = _pool.PeakKvShare;
        }
    }

    public override void WriteReport(BinaryWriter w)
    {
        w.Write(QueuedRequests + InServiceRequests);
        _series.Save(w);
        w.Write(_pool?.PeakKvShare ?? 0);
        _carbon.WriteReport(w, user => _model.Spec.Users[_model.IndexInKind(user)].Id);
        var latency = _pool?.Latency;
        w.Write(latency?.Count ?? 0);
        if (latency is null) return;
        foreach (var ((origin, c), l) in latency)
        {
            var user = _model.Spec.Users[_model.IndexInKind(origin)];
            var cls = _model.ClassesOf(_model.IndexInKind(origin))[c];
            w.Write(user.Id); w.Write(cls.Name); w.Write(cls.RealTime);
            l.Save(w);
        }
    }
}

/// <summary>A hub's dispatch interval: power granted (MW), serving units (replicas) usable and busy (bundles or cohorts in
/// service), requests queued and tokens served; on accelerators also the IT energy drawn (MWh), accelerator-hours spent
/// prefilling and busy (anything running), and input and output tokens served (0 for a hub of serving units); the facility
/// energy billed for the interval (MWh), the price paid for it (USD/MWh: tariff or locational), and its carbon at the
/// region's mean and marginal intensity (kg; <see cref="HubCarbon"/>); on accelerators the replicas serving, on average over
/// the interval (the other usable ones parked at idle; a hub of serving units: its usable units). A row is recorded at the
/// start of the next interval.</summary>
public readonly record struct HubSample(double Hours, double GrantMW, double UsableServers, double BusyServers, double QueuedRequests, double TokensServed,
    double ItMWh = 0, double PrefillAcceleratorHours = 0, double BusyAcceleratorHours = 0, double InputTokens = 0, double OutputTokens = 0,
    double EnergyMWh = 0, double PriceUsdPerMWh = 0, double CarbonKg = 0, double MarginalCarbonKg = 0, double ServingReplicas = 0)
    : ISample<HubSample>
{
    public static IReadOnlyList<string> Columns { get; } =
        ["hours", "grant_mw", "usable_servers", "busy_servers", "queued_requests", "tokens_served",
         "it_mwh", "prefill_accelerator_hours", "busy_accelerator_hours", "input_tokens", "output_tokens",
         "energy_mwh", "price_usd_per_mwh", "carbon_kg", "marginal_carbon_kg", "serving_replicas"];

    /// <summary>The columns older folders lack (read as NaN): carbon per token's, and the replicas serving.</summary>
    public static IReadOnlyList<string> OptionalColumns { get; } = ["energy_mwh", "price_usd_per_mwh", "carbon_kg", "marginal_carbon_kg", "serving_replicas"];

    public double[] Values() => [Hours, GrantMW, UsableServers, BusyServers, QueuedRequests, TokensServed, ItMWh, PrefillAcceleratorHours, BusyAcceleratorHours, InputTokens, OutputTokens,
        EnergyMWh, PriceUsdPerMWh, CarbonKg, MarginalCarbonKg, ServingReplicas];

    public static HubSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
}

/// <summary>What a hub reports: requests still queued or in service at the end, its series, its carbon account.</summary>
public sealed record HubReport(int QueuedAtEnd, Series<HubSample> Series, IReadOnlyList<(string Region, string Class, bool RealTime, ClassLatency Latency)> Classes,
    double KvPeakShare, HubCarbonReport Carbon) : IEntityReport
{
    ISeries IEntityReport.Series => Series;

    public static HubReport Read(BinaryReader r)
    {
        int queued = r.ReadInt32();
        var series = Series<HubSample>.Read(r);
        double kvPeak = r.ReadDouble();
        var carbon = HubCarbonReport.Read(r);
        var classes = new List<(string, string, bool, ClassLatency)>();
        for (int n = r.ReadInt32(); n > 0; n--) classes.Add((r.ReadString(), r.ReadString(), r.ReadBoolean(), ClassLatency.Read(r)));
        return new HubReport(queued, series, classes, kvPeak, carbon);
    }

    public void AddTo(SupplyChainSummary s, string id)
    {
        s.QueuedAtEnd += QueuedAtEnd;
        Carbon.AddTo(s.Carbon, id);
        s.KvPeakShare = Math.Max(s.KvPeakShare, KvPeakShare);
        foreach (var (region, cls, realTime, l) in Classes) s.AddClassLatency(region, cls, realTime, l);
    }
}
