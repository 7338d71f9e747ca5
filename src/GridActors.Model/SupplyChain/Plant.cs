using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A generation aggregate. Every dispatch interval it offers its available output to its region, with the floor it
/// cannot go below; the region answers with a dispatch and its price. Solar follows the sun at its latitude/longitude
/// and day of year times the clearness of the sky; wind follows the wind around its capacity factor; both read the
/// shared, spatially correlated weather at their site plus noise of their own (<see cref="PlantWeather"/>), and their
/// capacity factor is the expected output ÷ capacity over the start date's month (<see cref="CapacityFactors"/>);
/// run-of-river hydro offers its capacity factor (what nobody takes is spilled); reservoir hydro releases a daily
/// budget at a water value (<see cref="Reservoir"/>). Forced outages (rate per year) and scripted outages (with a
/// derate fraction) remove capacity.
/// <para>Thermal plants (coal, gas, nuclear) are dispatchable within limits:</para>
/// <list type="bullet">
/// <item>Ramps: output rises at most <c>ramp_per_minute</c> and falls at most <c>ramp_down_per_minute</c> per minute
///   from the last interval's output (floor = last − ramp-down × interval).</item>
/// <item>Must-run: at least <c>must_run</c> × the month's factor × its available capacity (capacity × availability,
///   less outages) — CHP heat, or nuclear baseload with <c>must_run: 100 %</c>.</item>
/// <item>Online units and minimum stable output: the plant tracks the capacity it has online — the highest output since
///   the last local midnight (of its region), capped by its available capacity; at midnight units beyond the output of
///   the moment are stopped. Online units produce at least <c>min_stable</c> of their capacity, so a plant that ran for
///   the morning peak holds min_stable × that output through a sunny noon: units are not stopped and restarted within
///   the day (coal units take hours to start; a commitment model over several days is left for later). The first
///   interval of a run finds its output online.</item>
/// <item>Start-ups: bringing output above the online capacity starts units; each MW started costs
///   <c>startup_cost</c>, summed in the <c>cost.startup_usd</c> metric.</item>
/// </list>
/// The floor is never above what the plant can offer; the region takes floors first and backs a plant down below its
/// floor only when nothing (load, links, storage) can absorb it.
/// </summary>
public sealed class Plant(SupplyChainModel model, int index) : Entity
{
    /// <summary>AR(1) coefficient of solar cloudiness over 5 minutes (dimensionless; φ^(Δ/5 min) for a dispatch interval Δ):
    /// e-folding time 2.7 h. ESTIMATE: chosen so that cloud cover persists for hours; not calibrated.</summary>
    public const double CloudinessPersistence = 0.97;

    /// <summary>AR(1) coefficient of the wind anomaly over 5 minutes (dimensionless; φ^(Δ/5 min) for a dispatch interval Δ):
    /// e-folding time 4.1 h. ESTIMATE: wind output changes more slowly than cloudiness; not calibrated.</summary>
    public const double WindPersistence = 0.98;

    /// <summary>Time constant (h) of the low-pass filter on the wind and cloudiness anomalies (see <see cref="PlantWeather"/>).
    /// ESTIMATE: a plant here is usually a provincial aggregate of many farms, whose combined output moves smoothly over
    /// minutes; with 1 h a 5-minute step moves the anomaly by 0.04 sd (≈ 0.6 % of capacity at a spread of 0.15) and an hour
    /// by 0.4 sd. Not calibrated to a target: chosen so that an aggregate does not jump by GW between dispatch intervals.</summary>
    public const double WeatherSmoothingHours = 1.0;

    /// <summary>Mean clearness of the sky (share of clear-sky output that reaches the panels). ESTIMATE.</summary>
    public const double MeanClearness = 0.75;

    /// <summary>Change of clearness per unit of the cloudiness anomaly (one standard deviation). ESTIMATE.</summary>
    public const double ClearnessSpread = 0.2;

    /// <summary>Least clearness: even a dark sky passes this share of clear-sky output (diffuse light). ESTIMATE.</summary>
    public const double MinClearness = 0.1;

    /// <summary>Change of wind output per unit of the wind anomaly (one standard deviation), relative to the capacity
    /// factor: output = clamp(level + 0.8 × capacity factor × z, 0, 1) × capacity. ESTIMATE.</summary>
    public const double WindVariability = 0.8;

    /// <summary>Share of a nuclear plant's capacity available outside outages (planned maintenance aside). ESTIMATE.</summary>
    public const double NuclearAvailability = 0.92;

    /// <summary>Share of a coal or gas plant's capacity available outside outages. ESTIMATE.</summary>
    public const double ThermalAvailability = 0.9;

    /// <summary>Hours in a (non-leap) year: converts forced-outage rates per year to a probability per interval.</summary>
    public const double HoursPerYear = 8760.0;

    /// <summary>Tilt of the earth's axis (°), for the solar declination (Cooper's formula).</summary>
    public const double AxialTiltDegrees = 23.44;

    private readonly PlantSpec _spec = model.Spec.Plants[index];
    private readonly int _region = model.RegionId(model.Spec.Plants[index].Region);
    private double _latent;          // weather anomaly of the last interval (solar: cloudiness, wind: wind), N(0, 1)
    private readonly PlantWeather? _weather = PlantWeather.For(model.Spec, model.Spec.Plants[index]);
    private readonly double _utcOffsetHours = model.Spec.Regions[model.IndexInKind(model.RegionId(model.Spec.Plants[index].Region))].UtcOffsetHours;
    private readonly Reservoir? _reservoir = Reservoir.For(model, model.Spec.Plants[index]);
    private double _floor;           // the floor offered this interval (MW)
    private double _nominal;         // thermal: capacity available this interval before ramp limits (MW)
    private double _online = double.NaN; // thermal: capacity online (MW); NaN until the first dispatch
    private long _localDay = long.MinValue;
    private double _spilledMW;       // reservoir: water spilled at the start of this interval's day (MW over the interval)
    private double _available;
    private double _lastDispatch = double.NaN;
    private double _derate;          // scripted outage: fraction of capacity lost
    private long _forcedUntil = -1;
    private readonly Series<PlantSample> _series = new();

    public Series<PlantSample> Series => _series;

    public override void Init(IEventContext ctx) => ctx.ScheduleSelf(SimTime.Zero, Tick.Instance);

    public override void Handle(IEventContext ctx, object? payload)
    {
        switch (payload)
        {
            case Tick:
                long k = model.IntervalOf(ctx.Now.Micros);
                double localHours = ctx.Now.TotalHours + _utcOffsetHours;
                long day = (long)Math.Floor(localHours / 24);
                if (day != _localDay && _spec.Thermal && !double.IsNaN(_online)) _online = Math.Min(_online, _lastDispatch); // units idle at midnight stop
                _localDay = day;
                _available = Available(ctx, k);
                double cost = _spec.MarginalCostUsdPerMWh, reserve = 0;
                _floor = 0;
                _spilledMW = 0;
                if (_spec.Thermal) _floor = ThermalFloor(ctx);
                else if (_reservoir is { } water)
                {
                    _spilledMW = water.StartInterval(localHours) / model.IntervalHours;
                    double capacity = _available;
                    _available = water.Offer(capacity, model.IntervalHours, localHours);
                    if (_spec.ExportLink is null) reserve = water.Reserve(capacity, model.IntervalHours, _available);
                    cost = water.WaterValue(capacity, 24 - (localHours - 24 * day), model.IntervalHours, cost);
                }
                ctx.Send(new EntityId(_region), SupplyChainModel.EnergyDelay,
                    new Offer(ctx.Self.Value, k, _available, cost, _spec.Renewable, _floor) { ReserveMW = reserve, ReserveCost = Reservoir.ScarcityWaterValue },
                    new ChannelId(SupplyChainModel.ChannelEnergy));
                _available += reserve;
                ctx.ScheduleSelf(new SimTime(model.Spec.DispatchIntervalMicros), Tick.Instance);
                break;
            case Dispatch d:
                double dispatched = Math.Min(d.MW, _available);
                double curtailed = (_spec.Renewable ? _available - dispatched : 0) + _spilledMW;
                double h = model.IntervalHours;
                ctx.AddMetric(M.Carbon, dispatched * h * _spec.CarbonKgPerMWh / 1000);
                if (_spec.Thermal) Commit(ctx, dispatched);
                _reservoir?.Released(dispatched, h, d.Price);
                _lastDispatch = dispatched;
                _series.Add(new PlantSample(ctx.Now.TotalHours, _available + _spilledMW, dispatched, curtailed));
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
        double cap = _spec.CapacityMW;
        if (_spec.ForcedOutagesPerYear > 0)
        {
            double p = _spec.ForcedOutagesPerYear * model.IntervalHours / HoursPerYear;
            if (ctx.Now.Micros >= _forcedUntil && rng.NextDouble() < p)
            {
                _forcedUntil = ctx.Now.Micros + (long)(rng.NextExponential(_spec.OutageHours) * SimTime.MicrosPerHour);
                ctx.Record("forced-outage", $"until {SimTime.ToHours(_forcedUntil):0.##} h");
            }
            if (ctx.Now.Micros < _forcedUntil) return 0;
        }
        double a;
        switch (_spec.Type)
        {
            case PlantType.Solar or PlantType.Wind:
                a = cap * _weather!.Output(ctx, interval, ctx.Now.Micros + model.Spec.DispatchIntervalMicros / 2.0);
                _latent = _weather.Anomaly;
                break;
            case PlantType.Hydro:
                a = _reservoir is null ? cap * _spec.CapacityFactor : cap;
                break;
            default:
                double online = _spec.Type == PlantType.Nuclear ? NuclearAvailability : ThermalAvailability;
                a = cap * online;
                if (!double.IsNaN(_lastDispatch) && !double.IsPositiveInfinity(_spec.RampMWPerMinute))
                    a = Math.Min(a, _lastDispatch + _spec.RampMWPerMinute * model.Spec.DispatchIntervalMicros / SimTime.MicrosPerMinute);
                break;
        }
        return a * (1 - _derate);
    }

    /// <summary>The share of a thermal plant's capacity available outside outages.</summary>
    private double Availability => _spec.Type == PlantType.Nuclear ? NuclearAvailability : ThermalAvailability;

    /// <summary>The output a thermal plant cannot go below this interval (see the class notes), at most what it offers.</summary>
    private double ThermalFloor(IEventContext ctx)
    {
        _nominal = ctx.Now.Micros < _forcedUntil ? 0 : _spec.CapacityMW * Availability * (1 - _derate);
        double floor = _spec.MustRunIn(model.MonthAt(ctx.Now.Micros)) * _nominal;
        if (!double.IsNaN(_lastDispatch) && !double.IsPositiveInfinity(_spec.RampDownLimit))
            floor = Math.Max(floor, _lastDispatch - _spec.RampDownLimit * model.Spec.DispatchIntervalMicros / SimTime.MicrosPerMinute);
        if (_spec.MinStable > 0 && _online > 0) floor = Math.Max(floor, _spec.MinStable * Math.Min(_online, _nominal));
        return Math.Min(Math.Max(floor, 0), _available);
    }

    /// <summary>Books a thermal plant's dispatch: output above its online capacity starts units (and costs their start-up);
    /// units on outage are offline.</summary>
    private void Commit(IEventContext ctx, double dispatched)
    {
        if (double.IsNaN(_online)) _online = dispatched;
        else if (dispatched > _online)
        {
            if (_spec.StartupCostUsdPerMW > 0) ctx.AddMetric(M.StartupCost, (dispatched - _online) * _spec.StartupCostUsdPerMW);
            _online = dispatched;
        }
        _online = Math.Min(_online, _nominal);
    }

    /// <summary>Sine of the solar elevation at this plant at a simulated time (µs since the start day's 00:00 UTC).</summary>
    public double SunElevationSine(double micros)
    {
        double hoursUtc = micros / SimTime.MicrosPerHour;
        return Sun.ElevationSine(model.Spec.StartDayOfYear + (int)Math.Floor(hoursUtc / 24), hoursUtc % 24, _spec.Lat, _spec.Lon);
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_latent); w.Write(_available); w.Write(_lastDispatch); w.Write(_derate); w.Write(_forcedUntil);
        w.Write(_floor); w.Write(_nominal); w.Write(_online); w.Write(_localDay); w.Write(_spilledMW);
        _reservoir?.Save(w);
        _series.Save(w);
        _weather?.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _latent = r.ReadDouble(); _available = r.ReadDouble(); _lastDispatch = r.ReadDouble(); _derate = r.ReadDouble(); _forcedUntil = r.ReadInt64();
        _floor = r.ReadDouble(); _nominal = r.ReadDouble(); _online = r.ReadDouble(); _localDay = r.ReadInt64(); _spilledMW = r.ReadDouble();
        _reservoir?.Load(r);
        _series.Load(r);
        _weather?.Load(r);
    }

    public override void WriteReport(BinaryWriter w) => _series.Save(w);

    public override void Describe(IDictionary<string, object?> d)
    {
        d["type"] = _spec.Type.ToString().ToLowerInvariant();
        d["capacityMW"] = _spec.CapacityMW;
        d["availableMW"] = _available;
        d["lastDispatchMW"] = double.IsNaN(_lastDispatch) ? null : _lastDispatch;
        d["derate"] = _derate;
        if (_weather is not null) d["weatherAnomaly"] = _weather.Anomaly;
        d["forcedOutageUntilMicros"] = _forcedUntil < 0 ? null : _forcedUntil;
        d["floorMW"] = _floor;
        if (_spec.Thermal) d["onlineMW"] = double.IsNaN(_online) ? null : _online;
        if (_reservoir is not null) d["reservoirBudgetMWh"] = double.IsNaN(_reservoir.Budget) ? null : _reservoir.Budget;
    }
}

/// <summary>A plant's dispatch interval: what it could produce, was dispatched and had curtailed (MW).</summary>
public readonly record struct PlantSample(double Hours, double AvailableMW, double DispatchedMW, double CurtailedMW) : ISample<PlantSample>
{
    public static IReadOnlyList<string> Columns { get; } = ["hours", "available_mw", "dispatched_mw", "curtailed_mw"];

    public double[] Values() => [Hours, AvailableMW, DispatchedMW, CurtailedMW];

    public static PlantSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3]);
}

/// <summary>What a plant reports: its series; complete intervals add to generation, dispatch and curtailment (by kind:
/// wind, solar, hydro spill), and wind and solar to their region's curtailment share.</summary>
public sealed record PlantReport(Series<PlantSample> Series) : IEntityReport
{
    ISeries IEntityReport.Series => Series;

    public static PlantReport Read(BinaryReader r) => new(Series<PlantSample>.Read(r));

    public void AddTo(SupplyChainSummary s, string id)
    {
        double h = s.IntervalHours, curtailed = 0, available = 0;
        foreach (var row in Series.Rows.Where(x => s.IsComplete(x.Hours)))
        {
            s.GeneratedMWh += (row.DispatchedMW + row.CurtailedMW) * h;
            s.DispatchedMWh += row.DispatchedMW * h;
            s.CurtailedMWh += row.CurtailedMW * h;
            curtailed += row.CurtailedMW * h;
            available += row.AvailableMW * h;
        }
        var spec = s.Plant(id);
        switch (spec.Type)
        {
            case PlantType.Wind: s.CurtailedWindMWh += curtailed; break;
            case PlantType.Solar: s.CurtailedSolarMWh += curtailed; break;
            case PlantType.Hydro: s.HydroSpillMWh += curtailed; break;
            default: return;
        }
        if (spec.Type is PlantType.Wind or PlantType.Solar)
        {
            var (c, a) = s.WindSolarByRegion.GetValueOrDefault(spec.Region);
            s.WindSolarByRegion[spec.Region] = (c + curtailed, a + available);
        }
    }
}
