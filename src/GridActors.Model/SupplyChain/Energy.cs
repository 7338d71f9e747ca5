using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A generation aggregate. Every dispatch interval it offers its available output to its region; the
/// region answers with a dispatch. Solar follows the sun at its latitude/longitude and day of year
/// times seeded cloudiness; wind follows a seeded autocorrelated process around its capacity factor;
/// hydro is run-of-river at its capacity factor; thermal plants are dispatchable with ramp limits.
/// Forced outages (rate per year) and scripted outages (with a derate fraction) remove capacity.
/// </summary>
public sealed class Plant(SupplyChainModel model, PlantSpec spec) : Entity
{
    private double _latent;          // AR(1) state of cloudiness (solar) or wind speed
    private double _available;
    private double _lastDispatch = double.NaN;
    private double _derate;          // scripted outage: fraction of capacity lost
    private long _forcedUntil = -1;
    private readonly Series _series = new(); // hours, availableMW, dispatchedMW, curtailedMW

    public Series Series => _series;
    private int Region => model.RegionId(spec.Region);

    public override void Init(IEventContext ctx) => ctx.ScheduleSelf(SimTime.Zero, Tick.Instance);

    public override void Handle(IEventContext ctx, object? payload)
    {
        switch (payload)
        {
            case Tick:
                long k = model.IntervalOf(ctx.Now.Micros);
                _available = Available(ctx, k);
                ctx.Send(new EntityId(Region), SupplyChainModel.EnergyDelay,
                    new Offer(ctx.Self.Value, k, _available, spec.MarginalCostUsdPerMWh, spec.Renewable), new ChannelId(SupplyChainModel.ChannelEnergy));
                ctx.ScheduleSelf(new SimTime(model.Spec.DispatchIntervalMicros), Tick.Instance);
                break;
            case Dispatch d:
                double dispatched = Math.Min(d.MW, _available);
                double curtailed = spec.Renewable ? _available - dispatched : 0;
                double h = model.IntervalHours;
                ctx.AddMetric(M.Generated, (dispatched + curtailed) * h);
                ctx.AddMetric(M.Dispatched, dispatched * h);
                ctx.AddMetric(M.Curtailed, curtailed * h);
                ctx.AddMetric(M.Carbon, dispatched * h * spec.CarbonKgPerMWh / 1000);
                _lastDispatch = dispatched;
                _series.Add(ctx.Now.Micros / 3.6e9, _available, dispatched, curtailed);
                break;
            case FaultSignal f when f.Kind == FaultKind.PlantOutage:
                _derate = f.Begin ? Math.Clamp(f.Fraction, 0, 1) : 0;
                ctx.Record(f.Begin ? "outage-began" : "outage-ended", f.Begin ? $"derate {_derate:P0}" : "full capacity back");
                break;
        }
    }

    private double Available(IEventContext ctx, long interval)
    {
        var rng = ctx.Rng;
        double cap = spec.CapacityMW;
        if (spec.ForcedOutagesPerYear > 0)
        {
            double p = spec.ForcedOutagesPerYear * model.IntervalHours / 8760.0;
            if (ctx.Now.Micros >= _forcedUntil && rng.NextDouble() < p)
            {
                _forcedUntil = ctx.Now.Micros + (long)(rng.NextExponential(spec.OutageHours) * 3.6e9);
                ctx.Record("forced-outage", $"until {_forcedUntil / 3.6e9:0.##} h");
            }
            if (ctx.Now.Micros < _forcedUntil) return 0;
        }
        double a;
        switch (spec.Type)
        {
            case PlantType.Solar:
                _latent = 0.97 * _latent + Math.Sqrt(1 - 0.97 * 0.97) * Normal(rng);
                double clearness = Math.Clamp(0.75 + 0.2 * _latent, 0.1, 1.0);
                double mid = ctx.Now.Micros + model.Spec.DispatchIntervalMicros / 2.0;
                a = cap * Math.Clamp(SunElevationSine(mid) * spec.CapacityFactor / 0.2, 0, 1) * clearness;
                break;
            case PlantType.Wind:
                _latent = 0.98 * _latent + Math.Sqrt(1 - 0.98 * 0.98) * Normal(rng);
                a = cap * Math.Clamp(spec.CapacityFactor * (1 + 0.8 * _latent), 0, 1);
                break;
            case PlantType.Hydro:
                a = cap * spec.CapacityFactor;
                break;
            default:
                double online = spec.Type == PlantType.Nuclear ? 0.92 : 0.9;
                a = cap * online;
                if (!double.IsNaN(_lastDispatch) && !double.IsPositiveInfinity(spec.RampMWPerMinute))
                    a = Math.Min(a, _lastDispatch + spec.RampMWPerMinute * model.Spec.DispatchIntervalMicros / 6e7);
                break;
        }
        return a * (1 - _derate);
    }

    /// <summary>Sine of the solar elevation at this plant at a simulated time (µs since the start day's 00:00 UTC).</summary>
    public double SunElevationSine(double micros)
    {
        double hoursUtc = micros / 3.6e9;
        int day = model.Spec.StartDayOfYear + (int)Math.Floor(hoursUtc / 24);
        double decl = 23.44 * Math.PI / 180 * Math.Sin(2 * Math.PI * (284 + day) / 365.0);
        double solarHour = (hoursUtc % 24 + spec.Lon / 15.0 + 24) % 24;
        double hourAngle = (solarHour - 12) * 15 * Math.PI / 180;
        double lat = spec.Lat * Math.PI / 180;
        return Math.Sin(lat) * Math.Sin(decl) + Math.Cos(lat) * Math.Cos(decl) * Math.Cos(hourAngle);
    }

    private static double Normal(Rng rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_latent); w.Write(_available); w.Write(_lastDispatch); w.Write(_derate); w.Write(_forcedUntil);
        _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _latent = r.ReadDouble(); _available = r.ReadDouble(); _lastDispatch = r.ReadDouble(); _derate = r.ReadDouble(); _forcedUntil = r.ReadInt64();
        _series.Load(r);
    }

    public override void WriteReport(BinaryWriter w) => _series.Save(w);

    public override void Describe(IDictionary<string, object?> d)
    {
        d["type"] = spec.Type.ToString().ToLowerInvariant();
        d["capacityMW"] = spec.CapacityMW;
        d["availableMW"] = _available;
        d["lastDispatchMW"] = double.IsNaN(_lastDispatch) ? null : _lastDispatch;
        d["derate"] = _derate;
        d["forcedOutageUntilMicros"] = _forcedUntil < 0 ? null : _forcedUntil;
    }
}

/// <summary>
/// A directional UHV link: caps the flow offered over it at its capacity (zero while tripped), applies
/// length-derived losses, forwards offers downstream and acceptances upstream.
/// </summary>
public sealed class Link(SupplyChainModel model, int index) : Entity
{
    private readonly LinkSpec _spec = model.Spec.Links[index];
    private bool _tripped;
    private double _offeredSent;
    private readonly Series _series = new(); // hours, sentMW, deliveredMW, lossMW, capacityMW

    private double LossFraction => Math.Clamp(_spec.LossPer1000Km * _spec.LengthKm / 1000.0, 0, 0.99);

    public override void Init(IEventContext ctx) { }

    public override void Handle(IEventContext ctx, object? payload)
    {
        var energy = new ChannelId(SupplyChainModel.ChannelEnergy);
        switch (payload)
        {
            case ExportOffer o:
                double cap = _tripped ? 0 : _spec.CapacityMW;
                _offeredSent = Math.Clamp(o.MW, 0, cap);
                double keep = 1 - LossFraction;
                ctx.Send(new EntityId(model.RegionId(_spec.To)), SupplyChainModel.EnergyDelay,
                    new ExportOffer(ctx.Self.Value, o.Interval, _offeredSent * keep, o.Cost / keep), energy);
                break;
            case ImportAccept a:
                double delivered = Math.Clamp(a.MW, 0, _offeredSent * (1 - LossFraction));
                double sent = _offeredSent <= 0 ? 0 : delivered / (1 - LossFraction);
                double loss = sent - delivered;
                ctx.AddMetric(M.Losses, loss * model.IntervalHours);
                _series.Add(ctx.Now.Micros / 3.6e9, sent, delivered, loss, _tripped ? 0 : _spec.CapacityMW);
                ctx.Send(new EntityId(model.RegionId(_spec.From)), SupplyChainModel.EnergyDelay,
                    new ImportAccept(ctx.Self.Value, a.Interval, sent), energy);
                break;
            case FaultSignal f when f.Kind == FaultKind.LinkTrip:
                _tripped = f.Begin;
                ctx.Record(f.Begin ? "link-tripped" : "link-restored", _spec.Id);
                break;
        }
    }

    public override void Describe(IDictionary<string, object?> d)
    {
        d["tripped"] = _tripped;
        d["capacityMW"] = _spec.CapacityMW;
        d["lastOfferedMW"] = _offeredSent;
        if (_series.Rows.Count > 0) d["lastFlowMW"] = _series.Rows[^1][1];
    }

    public override void Save(BinaryWriter w) { w.Write(_tripped); w.Write(_offeredSent); _series.Save(w); }
    public override void Load(BinaryReader r) { _tripped = r.ReadBoolean(); _offeredSent = r.ReadDouble(); _series.Load(r); }
    public override void WriteReport(BinaryWriter w) => _series.Save(w);
}
