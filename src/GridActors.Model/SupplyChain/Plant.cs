using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A generation aggregate. Every dispatch interval it offers its available output to its region; the
/// region answers with a dispatch. Solar follows the sun at its latitude/longitude and day of year
/// times the clearness of the sky; wind follows the wind around its capacity factor; both read the shared,
/// spatially correlated weather at their site plus noise of their own (<see cref="PlantWeather"/>), and
/// their capacity factor is the expected output ÷ capacity over the start date's month (<see cref="CapacityFactors"/>);
/// hydro is run-of-river at its capacity factor; thermal plants are dispatchable with ramp limits.
/// Forced outages (rate per year) and scripted outages (with a derate fraction) remove capacity.
/// </summary>
public sealed class Plant(SupplyChainModel model, int index) : Entity
{
    /// <summary>AR(1) coefficient of solar cloudiness over 5 minutes (dimensionless; φ^(Δ/5 min) for a dispatch interval Δ):
    /// e-folding time 2.7 h. ESTIMATE: chosen so that cloud cover persists for hours; not calibrated.</summary>
    public const double CloudinessPersistence = 0.97;

    /// <summary>AR(1) coefficient of the wind anomaly over 5 minutes (dimensionless; φ^(Δ/5 min) for a dispatch interval Δ):
    /// e-folding time 4.1 h. ESTIMATE: wind output changes more slowly than cloudiness; not calibrated.</summary>
    public const double WindPersistence = 0.98;

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
                _available = Available(ctx, k);
                ctx.Send(new EntityId(_region), SupplyChainModel.EnergyDelay,
                    new Offer(ctx.Self.Value, k, _available, _spec.MarginalCostUsdPerMWh, _spec.Renewable), new ChannelId(SupplyChainModel.ChannelEnergy));
                ctx.ScheduleSelf(new SimTime(model.Spec.DispatchIntervalMicros), Tick.Instance);
                break;
            case Dispatch d:
                double dispatched = Math.Min(d.MW, _available);
                double curtailed = _spec.Renewable ? _available - dispatched : 0;
                double h = model.IntervalHours;
                ctx.AddMetric(M.Carbon, dispatched * h * _spec.CarbonKgPerMWh / 1000);
                _lastDispatch = dispatched;
                _series.Add(new PlantSample(ctx.Now.TotalHours, _available, dispatched, curtailed));
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
                a = cap * _spec.CapacityFactor;
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

    /// <summary>Sine of the solar elevation at this plant at a simulated time (µs since the start day's 00:00 UTC).</summary>
    public double SunElevationSine(double micros)
    {
        double hoursUtc = micros / SimTime.MicrosPerHour;
        return Sun.ElevationSine(model.Spec.StartDayOfYear + (int)Math.Floor(hoursUtc / 24), hoursUtc % 24, _spec.Lat, _spec.Lon);
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_latent); w.Write(_available); w.Write(_lastDispatch); w.Write(_derate); w.Write(_forcedUntil);
        _series.Save(w);
        _weather?.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _latent = r.ReadDouble(); _available = r.ReadDouble(); _lastDispatch = r.ReadDouble(); _derate = r.ReadDouble(); _forcedUntil = r.ReadInt64();
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
    }
}

/// <summary>A plant's dispatch interval: what it could produce, was dispatched and had curtailed (MW).</summary>
public readonly record struct PlantSample(double Hours, double AvailableMW, double DispatchedMW, double CurtailedMW) : ISample<PlantSample>
{
    public static IReadOnlyList<string> Columns { get; } = ["hours", "available_mw", "dispatched_mw", "curtailed_mw"];

    public double[] Values() => [Hours, AvailableMW, DispatchedMW, CurtailedMW];

    public static PlantSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3]);
}

/// <summary>What a plant reports: its series; complete intervals add to generation, dispatch and curtailment.</summary>
public sealed record PlantReport(Series<PlantSample> Series) : IEntityReport
{
    ISeries IEntityReport.Series => Series;

    public static PlantReport Read(BinaryReader r) => new(Series<PlantSample>.Read(r));

    public void AddTo(SupplyChainSummary s, string id)
    {
        double h = s.IntervalHours;
        foreach (var row in Series.Rows.Where(x => s.IsComplete(x.Hours)))
        {
            s.GeneratedMWh += (row.DispatchedMW + row.CurtailedMW) * h;
            s.DispatchedMWh += row.DispatchedMW * h;
            s.CurtailedMWh += row.CurtailedMW * h;
        }
    }
}
