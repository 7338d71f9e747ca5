using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GridActors.Kernel;
using GridActors.Model.Serving;
using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios;

/// <summary>Everything a scenario file sets: the topology with its run-level settings, the horizon and the seed.</summary>
public sealed record ScenarioSettings(SupplyChainSpec Spec, long HorizonMicros, ulong Seed);

/// <summary>
/// Every key a scenario file may contain, declared once: help, unit, default, bounds and the spec property it sets.
/// <see cref="ScenarioLoader"/> reads through these declarations, <see cref="ScenarioWriter"/> writes through them and
/// <see cref="Markdown"/> documents them; the specs in the model have no defaults of their own (code that builds specs
/// starts from a set's <see cref="ParameterSet{T}.Defaults"/>). The bounds are physical sanity limits, wide enough
/// for any real topology, narrow enough that no run can overflow (counts fit an int, durations a long of µs).
/// </summary>
public static class ScenarioSchema
{
    /// <summary>Largest power of a plant or a region's load: 1 TW (China's whole fleet is about 3 TW).</summary>
    public const double MaxPowerMW = 1e6;
    /// <summary>Largest capacity of one UHV link: 100 GW (the largest lines carry 12 GW).</summary>
    public const double MaxLinkMW = 1e5;
    /// <summary>Longest line, cable or stretch of a route: the earth's circumference.</summary>
    public const double MaxKm = 40_000;
    /// <summary>Highest price of energy: 100,000 USD/MWh (market caps are a few thousand).</summary>
    public const double MaxPriceUsdPerMWh = 100_000;
    /// <summary>Longest horizon: 3,650 days (ten years).</summary>
    public const long MaxHorizonMicros = FaultRules.MaxMicros;
    /// <summary>Fastest serving unit: 1e12 tokens per second.</summary>
    public const double MaxTokensPerSecond = 1e12;
    /// <summary>Highest arrival rate of bundles of one user region: 1,000,000 per second.</summary>
    public const double MaxBundlesPerSecond = 1e6;
    /// <summary>Most requests in a bundle and tokens in a request: their product per hub queue must stay far from int overflow.</summary>
    public const double MaxRequestsPerBundle = 1e6, MaxTokensPerRequest = 1e9;
    private const long Day = 24 * SimTime.MicrosPerHour;

    private static readonly IReadOnlyList<(string, HubPricing?)> PricingOptions = [("tariff", HubPricing.Tariff), ("locational", HubPricing.Locational)];

    private static readonly IReadOnlyList<(string, PlantType)> PlantTypes =
        [.. Enum.GetValues<PlantType>().Select(t => (t.ToString().ToLowerInvariant(), t))];

    public static readonly ParameterSet<ScenarioSettings> Time = new("'time'", Blank,
    [
        new Date<ScenarioSettings>("start", "start date (UTC); its day of the year sets the sun's path", d => d.Spec.StartDayOfYear, (d, v) => d with { Spec = d.Spec with { StartDayOfYear = v } })
            { Default = "2026-06-21" },
        new Duration<ScenarioSettings>("horizon", "simulated duration", d => d.HorizonMicros, (d, v) => d with { HorizonMicros = v })
            { Default = Day, Min = 0, MinOpen = true, Max = MaxHorizonMicros },
        new Duration<ScenarioSettings>("dispatch_interval", "energy dispatch interval", d => d.Spec.DispatchIntervalMicros, (d, v) => d with { Spec = d.Spec with { DispatchIntervalMicros = v } })
            { Default = 5 * SimTime.MicrosPerMinute, Min = 10 * SupplyChainModel.EnergyDelay.Micros, Max = Day },
        new Seed<ScenarioSettings>("seed", "run seed", d => d.Seed, (d, v) => d with { Seed = v }) { Default = 1 },
        new Duration<ScenarioSettings>("demand_until", "user regions make no new requests from then on (0: all along); the rest of the horizon drains the work in hand, so that runs which defer work can be compared on the same work",
            d => d.Spec.DemandUntilMicros, (d, v) => d with { Spec = d.Spec with { DemandUntilMicros = v } }) { Default = 0, Min = 0, Max = MaxHorizonMicros, OmitDefault = true },
    ]);

    public static readonly ParameterSet<ScenarioSettings> Network = new("'network'", Blank,
    [
        new Number<ScenarioSettings>("fiber_us_per_km", "fibre propagation delay per km (light in vacuum: 3.34)", d => d.Spec.FiberMicrosPerKm, (d, v) => d with { Spec = d.Spec with { FiberMicrosPerKm = v!.Value } })
            { Unit = "µs/km", Default = 4.9, Bounds = Bounds.Within(3.3, 100) },
        new Number<ScenarioSettings>("usd_per_million_tokens", "network cost per million tokens served", d => d.Spec.NetworkUsdPerMillionTokens, (d, v) => d with { Spec = d.Spec with { NetworkUsdPerMillionTokens = v!.Value } })
            { Unit = "USD", Default = 0.001, Bounds = Bounds.NonNegative(1e6) },
        new Duration<ScenarioSettings>("hub_status_period", "how often hubs publish their status to user regions", d => d.Spec.HubStatusPeriodMicros, (d, v) => d with { Spec = d.Spec with { HubStatusPeriodMicros = v } })
            { Default = 10 * SimTime.MicrosPerSecond, Min = 1000, Max = Day },
        new Number<ScenarioSettings>("bytes_per_token", "bytes a token costs on a cable, request and response together (0: AI traffic does not load cables)", d => d.Spec.Network.BytesPerToken, (d, v) => WithNet(d, n => n with { BytesPerToken = v!.Value }))
            { Unit = "B", Default = 0, Bounds = Bounds.NonNegative(1e6) },
        new Duration<ScenarioSettings>("convergence", "routing convergence: time from a cable, landing station or segment going down (or back) to user regions routing around it", d => d.Spec.Network.ConvergenceMicros, (d, v) => WithNet(d, n => n with { ConvergenceMicros = v }))
            { Default = 0, Min = 0, Max = Day },
        new Profile<ScenarioSettings>("background_profile", "24 multipliers of cables' background traffic by UTC hour", d => d.Spec.Network.BackgroundProfile, (d, v) => WithNet(d, n => n with { BackgroundProfile = v })),
        new Number<ScenarioSettings>("background_reroute", "share of a cut cable's background traffic that moves to the surviving cables of its group", d => d.Spec.Network.BackgroundReroute, (d, v) => WithNet(d, n => n with { BackgroundReroute = v!.Value }))
            { Dimension = Dimension.Fraction, Default = 0, Bounds = Bounds.Share },
        new Duration<ScenarioSettings>("queueing_delay", "queueing term Q of a cable crossing: it waits Q × ρ / (1 − ρ) at utilisation ρ (M/M/1)", d => d.Spec.Network.QueueingMicros, (d, v) => WithNet(d, n => n with { QueueingMicros = v }))
            { Default = NetworkSpec.Default.QueueingMicros, Min = 0, Max = Day },
        new Duration<ScenarioSettings>("max_queueing_delay", "cap of a crossing's queueing delay (full buffers); beyond capacity traffic is dropped (congestion)", d => d.Spec.Network.MaxQueueingMicros, (d, v) => WithNet(d, n => n with { MaxQueueingMicros = v }))
            { Default = NetworkSpec.Default.MaxQueueingMicros, Min = 0, Max = Day },
    ]);

    private static ScenarioSettings WithNet(ScenarioSettings d, Func<NetworkSpec, NetworkSpec> change) =>
        d with { Spec = d.Spec with { Network = change(d.Spec.Network) } };

    private static BatchSchedulerSpec BatchOf(ScenarioSettings d) => d.Spec.Batch ?? BatchSchedulerSpec.Default;

    private static ScenarioSettings WithBatch(ScenarioSettings d, Func<BatchSchedulerSpec, BatchSchedulerSpec> change) =>
        d with { Spec = d.Spec with { Batch = change(BatchOf(d)) } };

    /// <summary>The batch scheduler (<see cref="BatchScheduler"/>): present only when the scenario has a 'batch' section,
    /// which must name its policy.</summary>
    public static readonly ParameterSet<ScenarioSettings> Batch = new("'batch'", Blank,
    [
        new Choice<ScenarioSettings, BatchPolicy>("policy", "when held batch work is released: latency-first (on arrival), green-aware (to hubs whose region would curtail renewables) or price-aware (at the cheapest locational prices of the past day)",
            [("latency-first", BatchPolicy.LatencyFirst), ("green-aware", BatchPolicy.GreenAware), ("price-aware", BatchPolicy.PriceAware)],
            d => BatchOf(d).Policy, (d, v) => WithBatch(d, b => b with { Policy = v })) { Required = true },
        new Choice<ScenarioSettings, BatchShift>("shift", "what green-aware and price-aware may move: time (other hours, same hub), space (other hubs, on arrival) or time+space",
            [("time+space", BatchShift.TimeAndSpace), ("time", BatchShift.Time), ("space", BatchShift.Space)],
            d => BatchOf(d).Shift, (d, v) => WithBatch(d, b => b with { Shift = v })) { Default = "time+space" },
        new Duration<ScenarioSettings>("deadline", "deadline of batch work from its creation (user regions may set their own 'batch_deadline')",
            d => BatchOf(d).DeadlineMicros, (d, v) => WithBatch(d, b => b with { DeadlineMicros = v })) { Default = 24 * SimTime.MicrosPerHour, Min = SimTime.MicrosPerMinute, Max = 30 * Day },
        new Duration<ScenarioSettings>("slack", "held work is released this long before its deadline, whatever the signals",
            d => BatchOf(d).SlackMicros, (d, v) => WithBatch(d, b => b with { SlackMicros = v })) { Default = 2 * SimTime.MicrosPerHour, Min = 0, Max = 30 * Day },
        new Duration<ScenarioSettings>("period", "how often the scheduler decides",
            d => BatchOf(d).PeriodMicros, (d, v) => WithBatch(d, b => b with { PeriodMicros = v })) { Default = SimTime.MicrosPerMinute, Min = SimTime.MicrosPerSecond, Max = Day },
    ]);

    /// <summary>The weather fields solar and wind plants sample (<see cref="WeatherField"/>). The lengths are the e-folding
    /// lengths of the weights with which field nodes combine; the correlation of two sites is ≈ 0.8 at one length, 0.46 at
    /// two, 0.19 at three and below 0.01 at five (before plant noise). Defaults: ESTIMATEs of calibration-facts §8 (hourly
    /// wind e-folding ≈ 400 km, hourly clear-sky index ≈ 150 km; no numeric source for China was found). With 400 km and
    /// 20 % plant noise, neighbouring provinces' wind (centres 250–400 km apart) correlates 0.6–0.7, within that section's
    /// 0.5–0.7 ESTIMATE; 20 % plant noise is an ESTIMATE (farm-level variance of a provincial aggregate).</summary>
    public static readonly ParameterSet<ScenarioSettings> Weather = new("'weather'", Blank,
    [
        new Number<ScenarioSettings>("wind_correlation_length", "e-folding length of the wind field's weights (sites one length apart correlate ≈ 0.8, three lengths ≈ 0.2)",
            d => d.Spec.Weather.WindCorrelationKm, (d, v) => d with { Spec = d.Spec with { Weather = d.Spec.Weather with { WindCorrelationKm = v!.Value } } })
            { Dimension = Dimension.Length, Unit = "km", Default = 400, Bounds = Bounds.Within(1, 20_000) },
        new Number<ScenarioSettings>("solar_correlation_length", "e-folding length of the cloudiness field's weights",
            d => d.Spec.Weather.SolarCorrelationKm, (d, v) => d with { Spec = d.Spec with { Weather = d.Spec.Weather with { SolarCorrelationKm = v!.Value } } })
            { Dimension = Dimension.Length, Unit = "km", Default = 150, Bounds = Bounds.Within(1, 20_000) },
        new Number<ScenarioSettings>("plant_noise", "share of the variance of a plant's weather that is its own (1: no shared weather)",
            d => d.Spec.Weather.PlantNoise, (d, v) => d with { Spec = d.Spec with { Weather = d.Spec.Weather with { PlantNoise = v!.Value } } })
            { Dimension = Dimension.Fraction, Default = 0.2, Bounds = Bounds.Share },
    ]);

    public static readonly ParameterSet<RegionSpec> Region = new("a region", new RegionSpec("", 0, null, 0),
    [
        new Id<RegionSpec>("id", "region id", EntityKinds.Region, r => r.Id, (r, v) => r with { Id = v }) { Required = true },
        new Number<RegionSpec>("background_load", "load other than hubs", r => r.BackgroundLoadMW, (r, v) => r with { BackgroundLoadMW = v!.Value })
            { Dimension = Dimension.Power, Unit = "MW", Default = 0, Bounds = Bounds.NonNegative(MaxPowerMW) },
        new Profile<RegionSpec>("load_profile", "24 hourly multipliers of the background load (local time)", r => r.LoadProfile, (r, v) => r with { LoadProfile = v }),
        new Choice<RegionSpec, LoadShape>("load_shape", "how the profile is read: linear (interpolated between the hours' midpoints) or step (each hour's value for the whole hour)",
            [("linear", LoadShape.Linear), ("step", LoadShape.Step)], r => r.LoadShape, (r, v) => r with { LoadShape = v }) { Default = "linear" },
        new Number<RegionSpec>("utc_offset", "local time offset", r => r.UtcOffsetHours, (r, v) => r with { UtcOffsetHours = v!.Value })
            { Unit = "h", Default = 8, Bounds = Bounds.Within(-12, 14) },
    ]);

    public static readonly ParameterSet<PlantSpec> Plant = new("a plant", new PlantSpec("", "", PlantType.Coal, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [
        new Id<PlantSpec>("id", "plant id", EntityKinds.Plant, p => p.Id, (p, v) => p with { Id = v }) { Required = true },
        new Ref<PlantSpec>("region", "region the plant feeds", EntityKinds.Region, p => p.Region, (p, v) => p with { Region = v! }) { Required = true },
        new Choice<PlantSpec, PlantType>("type", "kind of generation (solar, wind and hydro are renewable)", PlantTypes, p => p.Type, (p, v) => p with { Type = v }) { Required = true },
        new Number<PlantSpec>("capacity", "nameplate capacity", p => p.CapacityMW, (p, v) => p with { CapacityMW = v!.Value })
            { Dimension = Dimension.Power, Unit = "MW", Required = true, Bounds = Bounds.Positive(MaxPowerMW) },
        new Number<PlantSpec>("lat", "latitude", p => p.Lat, (p, v) => p with { Lat = v!.Value }) { Unit = "°", Default = 35, Bounds = Bounds.Within(-90, 90) },
        new Number<PlantSpec>("lon", "longitude", p => p.Lon, (p, v) => p with { Lon = v!.Value }) { Unit = "°", Default = 105, Bounds = Bounds.Within(-180, 180) },
        new Number<PlantSpec>("capacity_factor", "mean output ÷ capacity (renewables; solar and wind: expected over the start date's month)", p => p.CapacityFactor, (p, v) => p with { CapacityFactor = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0.2, Bounds = Bounds.Share },
        new Number<PlantSpec>("marginal_cost", "marginal cost", p => p.MarginalCostUsdPerMWh, (p, v) => p with { MarginalCostUsdPerMWh = v!.Value })
            { Unit = "USD/MWh", Default = 0, Bounds = Bounds.NonNegative(MaxPriceUsdPerMWh) },
        new Number<PlantSpec>("carbon", "carbon intensity (lignite is about 1,200)", p => p.CarbonKgPerMWh, (p, v) => p with { CarbonKgPerMWh = v!.Value })
            { Unit = "kg CO2/MWh", Default = 0, Bounds = Bounds.NonNegative(2000) },
        new Number<PlantSpec>("ramp_per_minute", "ramp limit per minute (dispatchable plants)",
            p => double.IsPositiveInfinity(p.RampMWPerMinute) ? null : p.RampMWPerMinute, (p, v) => p with { RampMWPerMinute = v ?? double.PositiveInfinity })
            { Dimension = Dimension.Power, Unit = "MW", Optional = true, Absent = "no limit", Bounds = Bounds.Positive(MaxPowerMW) },
        new Number<PlantSpec>("forced_outages_per_year", "random forced outage rate", p => p.ForcedOutagesPerYear, (p, v) => p with { ForcedOutagesPerYear = v!.Value })
            { Unit = "1/year", Default = 0, Bounds = Bounds.NonNegative(1000) },
        new Number<PlantSpec>("outage_duration", "mean forced outage duration", p => p.OutageHours, (p, v) => p with { OutageHours = v!.Value })
            { Dimension = Dimension.Duration, Unit = "h", Default = 24, Bounds = Bounds.Positive(MaxHorizonMicros / SimTime.MicrosPerHour) },
        new Number<PlantSpec>("min_stable", "least output of the plant's online units, as a share of their capacity (coal, gas, nuclear)",
            p => p.MinStable, (p, v) => p with { MinStable = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0, Bounds = Bounds.Share },
        new Number<PlantSpec>("must_run", "share of the available capacity that must run: CHP heat, nuclear baseload (coal, gas, nuclear)",
            p => p.MustRun, (p, v) => p with { MustRun = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0, Bounds = Bounds.Share },
        new Profile<PlantSpec>("must_run_by_month", "12 multipliers of must_run by calendar month, January first (e.g. CHP in the heating season)",
            p => p.MustRunByMonth, (p, v) => p with { MustRunByMonth = v })
            { Entries = 12, What = "monthly multipliers", Absent = "none (1 every month)" },
        new Number<PlantSpec>("ramp_down_per_minute", "ramp-down limit per minute (dispatchable plants)",
            p => p.RampDownMWPerMinute, (p, v) => p with { RampDownMWPerMinute = v })
            { Dimension = Dimension.Power, Unit = "MW", Optional = true, Absent = "ramp_per_minute", Bounds = Bounds.Positive(MaxPowerMW) },
        new Number<PlantSpec>("startup_cost", "cost of bringing one MW of units online (coal, gas, nuclear)", p => p.StartupCostUsdPerMW, (p, v) => p with { StartupCostUsdPerMW = v!.Value })
            { Unit = "USD/MW", Default = 0, Bounds = Bounds.NonNegative(1e6) },
        new Choice<PlantSpec, HydroMode>("hydro_mode",
            "hydro only: run-of-river offers capacity × capacity_factor (what nobody takes is spilled); reservoir releases a daily energy budget at a water value",
            [("run-of-river", HydroMode.RunOfRiver), ("reservoir", HydroMode.Reservoir)], p => p.HydroMode, (p, v) => p with { HydroMode = v })
            { Default = "run-of-river", OmitDefault = true },
        new Number<PlantSpec>("daily_energy", "reservoir hydro: energy it may release per day", p => p.DailyEnergyMWh, (p, v) => p with { DailyEnergyMWh = v })
            { Dimension = Dimension.Energy, Unit = "MWh", Optional = true, Absent = "capacity × capacity_factor × 24 h", Bounds = Bounds.Positive(MaxPowerMW * 24) },
        new Ref<PlantSpec>("export_link", "dedicated export base: the link out of the plant's region that its output feeds first (not pooled with the provincial load)",
            EntityKinds.Link, p => p.ExportLink, (p, v) => p with { ExportLink = v }) { Optional = true },
    ])
    {
        Check = PlantRules,
    };

    /// <summary>Keys that apply to some kinds of plant only.</summary>
    private static IEnumerable<(string Field, string Message)> PlantRules(PlantSpec p)
    {
        if (!p.Thermal)
        {
            if (p.MinStable > 0) yield return ("min_stable", "'min_stable' applies to coal, gas and nuclear plants");
            if (p.MustRun > 0) yield return ("must_run", "'must_run' applies to coal, gas and nuclear plants");
            if (p.MustRunByMonth is not null) yield return ("must_run_by_month", "'must_run_by_month' applies to coal, gas and nuclear plants");
            if (p.StartupCostUsdPerMW > 0) yield return ("startup_cost", "'startup_cost' applies to coal, gas and nuclear plants");
        }
        if (p.HydroMode == HydroMode.Reservoir && p.Type != PlantType.Hydro) yield return ("hydro_mode", "'hydro_mode' applies to hydro plants");
        if (p.DailyEnergyMWh is double daily)
        {
            if (p is not { Type: PlantType.Hydro, HydroMode: HydroMode.Reservoir }) yield return ("daily_energy", "'daily_energy' needs a hydro plant with 'hydro_mode: reservoir'");
            else if (daily > p.CapacityMW * 24)
                yield return ("daily_energy", $"'daily_energy' ({Bounds.Fmt(daily)} MWh) is more than the plant's capacity can release in 24 h ({Bounds.Fmt(p.CapacityMW * 24)} MWh)");
        }
    }

    /// <summary>Largest energy of one storage: 1,000 TWh (the Three Gorges reservoir's whole yearly output is about 100 TWh).</summary>
    public const double MaxEnergyMWh = 1e9;

    public static readonly ParameterSet<StorageSpec> Storage = new("a storage", new StorageSpec("", "", StorageType.Battery, 0, 0, 0, 0, 0, 0),
    [
        new Id<StorageSpec>("id", "storage id", EntityKinds.Storage, x => x.Id, (x, v) => x with { Id = v }) { Required = true },
        new Ref<StorageSpec>("region", "region the storage is connected to", EntityKinds.Region, x => x.Region, (x, v) => x with { Region = v! }) { Required = true },
        new Choice<StorageSpec, StorageType>("type", "kind of storage", [("pumped-hydro", StorageType.PumpedHydro), ("battery", StorageType.Battery)],
            x => x.Type, (x, v) => x with { Type = v }) { Required = true },
        new Number<StorageSpec>("power", "most power it charges or discharges", x => x.PowerMW, (x, v) => x with { PowerMW = v!.Value })
            { Dimension = Dimension.Power, Unit = "MW", Required = true, Bounds = Bounds.Positive(MaxPowerMW) },
        new Number<StorageSpec>("energy", "most energy it stores", x => x.EnergyMWh, (x, v) => x with { EnergyMWh = v!.Value })
            { Dimension = Dimension.Energy, Unit = "MWh", Required = true, Bounds = Bounds.Positive(MaxEnergyMWh) },
        new Number<StorageSpec>("efficiency", "round-trip efficiency (US fleet 2019: batteries 82 %, pumped hydro 79 % [K29])", x => x.Efficiency, (x, v) => x with { Efficiency = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0.8, Bounds = new Bounds(0, 1, MinOpen: true) },
        new Number<StorageSpec>("initial_soc", "energy stored at the start, as a share of 'energy'", x => x.InitialSoc, (x, v) => x with { InitialSoc = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0.5, Bounds = Bounds.Share },
        new Number<StorageSpec>("lat", "latitude", x => x.Lat, (x, v) => x with { Lat = v!.Value }) { Unit = "°", Default = 35, Bounds = Bounds.Within(-90, 90) },
        new Number<StorageSpec>("lon", "longitude", x => x.Lon, (x, v) => x with { Lon = v!.Value }) { Unit = "°", Default = 105, Bounds = Bounds.Within(-180, 180) },
    ]);

    public static readonly ParameterSet<LinkSpec> Link = new("a link", new LinkSpec("", "", "", 0, 0, 0),
    [
        new Id<LinkSpec>("id", "link id", EntityKinds.Link, l => l.Id, (l, v) => l with { Id = v }) { Required = true },
        new Ref<LinkSpec>("from", "sending region", EntityKinds.Region, l => l.From, (l, v) => l with { From = v! }) { Required = true },
        new Ref<LinkSpec>("to", "receiving region", EntityKinds.Region, l => l.To, (l, v) => l with { To = v! }) { Required = true },
        new Number<LinkSpec>("capacity", "transfer capacity", l => l.CapacityMW, (l, v) => l with { CapacityMW = v!.Value })
            { Dimension = Dimension.Power, Unit = "MW", Required = true, Bounds = Bounds.Positive(MaxLinkMW) },
        new Number<LinkSpec>("length", "line length", l => l.LengthKm, (l, v) => l with { LengthKm = v!.Value })
            { Dimension = Dimension.Length, Unit = "km", Required = true, Bounds = Bounds.Positive(MaxKm) },
        new Number<LinkSpec>("loss_per_1000km", "losses per 1000 km", l => l.LossPer1000Km, (l, v) => l with { LossPer1000Km = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0.03, Bounds = Bounds.Share },
        new Profile<LinkSpec>("schedule", "day-ahead transfer schedule: 24 hourly fractions of the capacity, local time of the sending region",
            l => l.Schedule, (l, v) => l with { Schedule = v })
            { Max = 1, What = "hourly fractions of the capacity", Absent = "none (merit-order dispatch every interval)" },
        new Number<LinkSpec>("deviation", "share of the capacity the real-time flow may deviate from the schedule, either way",
            l => l.Deviation, (l, v) => l with { Deviation = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0.1, Bounds = Bounds.Share },
    ]);

    public static readonly ParameterSet<HubSpec> Hub = new("a hub", new HubSpec("", "", 0, 0, true, 0, 0, 0, 0, 0, 0, 0, 0),
    [
        new Id<HubSpec>("id", "hub id", EntityKinds.Hub, h => h.Id, (h, v) => h with { Id = v }) { Required = true },
        new Ref<HubSpec>("region", "grid region supplying the hub", EntityKinds.Region, h => h.Region, (h, v) => h with { Region = v! }) { Required = true },
        new Choice<HubSpec, bool>("role", "east (real-time) or west (batch)", [("east", true), ("west", false)], h => h.East, (h, v) => h with { East = v }) { Default = "east" },
        new Number<HubSpec>("lat", "latitude", h => h.Lat, (h, v) => h with { Lat = v!.Value }) { Unit = "°", Default = 35, Bounds = Bounds.Within(-90, 90) },
        new Number<HubSpec>("lon", "longitude", h => h.Lon, (h, v) => h with { Lon = v!.Value }) { Unit = "°", Default = 110, Bounds = Bounds.Within(-180, 180) },
        new Count<HubSpec>("servers", "serving units (scaled groups of accelerators) of a hub without 'accelerator' (required there)", h => h.Servers, (h, v) => h with { Servers = v }) { Default = 0, Min = 0, Max = 10_000_000 },
        new Number<HubSpec>("tokens_per_second_per_server", "token throughput of one serving unit (required with 'servers')", h => h.TokensPerSecondPerServer, (h, v) => h with { TokensPerSecondPerServer = v!.Value })
            { Unit = "tokens/s", Default = 0, Bounds = Bounds.NonNegative(MaxTokensPerSecond) },
        new Number<HubSpec>("idle_power_per_server", "IT power of an idle serving unit", h => h.IdleMWPerServer, (h, v) => h with { IdleMWPerServer = v!.Value })
            { Dimension = Dimension.Power, Unit = "MW", Default = 0, Bounds = Bounds.NonNegative(1000) },
        new Number<HubSpec>("full_power_per_server", "IT power of a busy serving unit (required with 'servers')", h => h.FullMWPerServer, (h, v) => h with { FullMWPerServer = v!.Value })
            { Dimension = Dimension.Power, Unit = "MW", Default = 0, Bounds = Bounds.NonNegative(1000) },
        new Number<HubSpec>("pue", "power usage effectiveness (facility power ÷ IT power)", h => h.Pue, (h, v) => h with { Pue = v!.Value })
            { Default = 1.25, Bounds = Bounds.Within(1, 3) },
        new Number<HubSpec>("electricity_price", "electricity price", h => h.ElectricityUsdPerMWh, (h, v) => h with { ElectricityUsdPerMWh = v!.Value })
            { Unit = "USD/MWh", Default = 70, Bounds = Bounds.NonNegative(MaxPriceUsdPerMWh) },
        new Number<HubSpec>("capital_per_server_hour", "amortised capital cost per serving unit and hour", h => h.CapitalUsdPerServerHour, (h, v) => h with { CapitalUsdPerServerHour = v!.Value })
            { Unit = "USD", Default = 0, Bounds = Bounds.NonNegative(1e7) },
        new Count<HubSpec>("queue_limit", "bundles that may wait before new ones are dropped", h => h.QueueLimit, (h, v) => h with { QueueLimit = v }) { Default = 10_000, Min = 1, Max = 1_000_000 },
        new Text<HubSpec>("accelerator", "accelerator type of its replicas (an id of 'accelerators'); with it the hub serves with continuous batching on 'replicas' model instances instead of 'servers'",
            h => h.Accelerator, (h, v) => h with { Accelerator = v }) { Absent = "serving units ('servers')" },
        new Count<HubSpec>("replicas", "model instances (each over the accelerator's 'per_replica' accelerators)", h => h.Replicas, (h, v) => h with { Replicas = v }) { Default = 0, Min = 0, Max = 10_000_000 },
        new Count<HubSpec>("simulated_replicas", "replicas simulated request by request, each standing for replicas ÷ this many (round robin makes them alike); as many as 'replicas' simulates every one",
            h => h.SimulatedReplicas, (h, v) => h with { SimulatedReplicas = v }) { Default = 2, Min = 1, Max = 10_000 },
        new Choice<HubSpec, ReplicaDispatch>("dispatch", "how requests are spread over the replicas: pack (onto as few as keep each below 70 % of its capacity, the rest parked at idle power) or spread (round robin over every usable replica)",
            [("pack", ReplicaDispatch.Pack), ("spread", ReplicaDispatch.Spread)], h => h.Dispatch, (h, v) => h with { Dispatch = v }) { Default = "pack" },
        new Number<HubSpec>("park_after", "packed: how long the work must have needed fewer replicas before the extra ones are parked (about the time a replica takes to finish its running sequences)",
            h => h.ParkAfterMicros / 1e6, (h, v) => h with { ParkAfterMicros = (long)Math.Round(v!.Value * 1e6) })
            { Dimension = Dimension.Duration, Unit = "s", Default = 10, Bounds = Bounds.Within(0, 86_400) },
        new Number<HubSpec>("max_wait", "longest a request waits for admission to a replica before it is dropped", h => h.MaxWaitMicros / 1000.0, (h, v) => h with { MaxWaitMicros = (long)Math.Round(v!.Value * 1000) })
            { Dimension = Dimension.Duration, Unit = "ms", Default = 60_000, Bounds = Bounds.Positive(86_400_000) },
        new Choice<HubSpec, HubPricing?>("pricing", "what this hub pays for electricity: tariff ('electricity_price') or locational (its region's price of the interval the energy is drawn in)",
            PricingOptions, h => h.Pricing, (h, v) => h with { Pricing = v }) { Absent = "the top-level 'hub_pricing'" },
        new Choice<HubSpec, bool>("location", "china, or overseas: a host outside China (its region is an overseas grid); foreign users it serves do not cross into China",
            [("china", false), ("overseas", true)], h => h.Overseas, (h, v) => h with { Overseas = v }) { Default = "china", OmitDefault = true },
    ])
    {
        Check = h => h.Accelerator is not null
            ? (h.Servers > 0 ? [("servers", "'servers' are serving units: a hub on accelerators has 'replicas' instead")] : [])
            : h.Servers < 1 ? [("servers", "a hub needs 'servers' (serving units) or 'accelerator' and 'replicas'")]
            : h.TokensPerSecondPerServer <= 0 ? [("tokens_per_second_per_server", "a hub of serving units needs a positive 'tokens_per_second_per_server'")]
            : h.FullMWPerServer <= 0 ? [("full_power_per_server", "a hub of serving units needs a positive 'full_power_per_server'")]
            : h.IdleMWPerServer > h.FullMWPerServer ? [("idle_power_per_server", "'idle_power_per_server' must not exceed 'full_power_per_server'")] : [],
    };

    /// <summary>An accelerator type and how a replica of the served model runs on it (calibration-facts §9–10).</summary>
    public static readonly ParameterSet<AcceleratorSpec> Accelerator = new("an accelerator", new AcceleratorSpec(""),
    [
        new Text<AcceleratorSpec>("id", "accelerator type id (e.g. h800), referred to by hubs' 'accelerator'", a => a.Id, (a, v) => a with { Id = v }) { Required = true },
        new Number<AcceleratorSpec>("power_idle", "power of one accelerator with nothing to do", a => a.IdleW, (a, v) => a with { IdleW = v!.Value })
            { Dimension = Dimension.Power, Unit = "W", Required = true, Bounds = Bounds.NonNegative(20_000) },
        new Number<AcceleratorSpec>("power_prefill", "power of one accelerator while prefilling", a => a.PrefillW, (a, v) => a with { PrefillW = v!.Value })
            { Dimension = Dimension.Power, Unit = "W", Required = true, Bounds = Bounds.Positive(20_000) },
        new Number<AcceleratorSpec>("power_decode_batch1", "power of one accelerator decoding one sequence", a => a.DecodeBatch1W, (a, v) => a with { DecodeBatch1W = v!.Value })
            { Dimension = Dimension.Power, Unit = "W", Required = true, Bounds = Bounds.Positive(20_000) },
        new Number<AcceleratorSpec>("power_decode_full", "power of one accelerator decoding a full batch", a => a.DecodeFullW, (a, v) => a with { DecodeFullW = v!.Value })
            { Dimension = Dimension.Power, Unit = "W", Required = true, Bounds = Bounds.Positive(20_000) },
        new Number<AcceleratorSpec>("hbm", "memory of one accelerator", a => a.HbmGB, (a, v) => a with { HbmGB = v!.Value })
            { Unit = "GB", Required = true, Bounds = Bounds.Positive(10_000) },
        new Number<AcceleratorSpec>("rental_per_hour", "rental (or amortised capital) cost of one accelerator per hour", a => a.RentalUsdPerHour, (a, v) => a with { RentalUsdPerHour = v!.Value })
            { Unit = "USD", Required = true, Bounds = Bounds.NonNegative(10_000) },
        new Count<AcceleratorSpec>("per_replica", "accelerators one replica of the model spans", a => a.PerReplica, (a, v) => a with { PerReplica = v }) { Default = 8, Min = 1, Max = 100_000 },
        new Count<AcceleratorSpec>("prefill_accelerators", "of a replica's accelerators, those that only prefill (prefill/decode disaggregation, as DeepSeek serves); 0: every accelerator does both",
            a => a.PrefillPerReplica, (a, v) => a with { PrefillPerReplica = v }) { Default = 0, Min = 0, Max = 100_000 },
        new Count<AcceleratorSpec>("max_batch", "most sequences a replica decodes at once", a => a.MaxBatch, (a, v) => a with { MaxBatch = v }) { Default = 256, Min = 1, Max = 1_000_000 },
        new Number<AcceleratorSpec>("step_base", "β0: fixed time of one iteration of a replica", a => a.StepBaseMicros, (a, v) => a with { StepBaseMicros = v!.Value })
            { Dimension = Dimension.Duration, Unit = "µs", Required = true, Bounds = Bounds.NonNegative(60e6) },
        new Number<AcceleratorSpec>("step_per_prefill_token", "β1: time per prefilled token in an iteration", a => a.StepPerPrefillTokenMicros, (a, v) => a with { StepPerPrefillTokenMicros = v!.Value })
            { Dimension = Dimension.Duration, Unit = "µs", Required = true, Bounds = Bounds.NonNegative(1e6) },
        new Number<AcceleratorSpec>("step_per_decode_sequence", "β2: time per decoding sequence in an iteration", a => a.StepPerDecodeSequenceMicros, (a, v) => a with { StepPerDecodeSequenceMicros = v!.Value })
            { Dimension = Dimension.Duration, Unit = "µs", Required = true, Bounds = Bounds.Positive(1e6) },
        new Choice<AcceleratorSpec, KvAdmission>("kv_admission", "reserve: a sequence reserves its prompt and whole output in the KV cache (never exceeded); live: its prompt must fit beside what the running sequences hold now (vLLM's paged allocation; preemption not modelled, peak use reported)",
            [("reserve", KvAdmission.Reserve), ("live", KvAdmission.Live)], a => a.KvAdmission, (a, v) => a with { KvAdmission = v }) { Default = "reserve" },
        new Number<AcceleratorSpec>("prefill_chunk", "prefill tokens one iteration takes at most (vLLM max_num_batched_tokens): queued prompts share iterations and pay β0 pro rata", a => a.PrefillChunkTokens, (a, v) => a with { PrefillChunkTokens = v!.Value })
            { Unit = "tokens", Default = 8192, Bounds = Bounds.Positive(10_000_000) },
        new Number<AcceleratorSpec>("weights", "the served model's weights held by one replica (disaggregated: by its decode accelerators)", a => a.WeightsGB, (a, v) => a with { WeightsGB = v!.Value })
            { Unit = "GB", Required = true, Bounds = Bounds.NonNegative(1e6) },
        new Number<AcceleratorSpec>("kv_bytes_per_token", "KV-cache bytes one token of a sequence holds", a => a.KvBytesPerToken, (a, v) => a with { KvBytesPerToken = v!.Value })
            { Unit = "B", Required = true, Bounds = Bounds.Positive(1e9) },
        new Number<AcceleratorSpec>("node_overhead", "power of a replica's nodes beside the accelerators (CPUs, switches, fans, PSU loss)", a => a.NodeOverheadW, (a, v) => a with { NodeOverheadW = v!.Value })
            { Dimension = Dimension.Power, Unit = "W", Default = 0, Bounds = Bounds.NonNegative(10_000_000) },
    ])
    {
        Check = a => (a.PrefillPerReplica >= a.PerReplica
                ? [("prefill_accelerators", $"'prefill_accelerators' ({a.PrefillPerReplica}) must leave decode accelerators of the {a.PerReplica} per replica")]
                : a.HbmGB * (a.PerReplica - a.PrefillPerReplica) <= a.WeightsGB
                ? [("weights", $"'weights' ({a.WeightsGB} GB) leave no room for the KV cache in {a.PerReplica - a.PrefillPerReplica} × {a.HbmGB} GB")]
                : new List<(string, string)>())
            .Concat(a.DecodeBatch1W > a.DecodeFullW ? [("power_decode_batch1", "'power_decode_batch1' must not exceed 'power_decode_full'")] : new List<(string, string)>()),
    };

    /// <summary>A request class of a user region.</summary>
    public static readonly ParameterSet<RequestClassSpec> RequestClass = new("a request class", new RequestClassSpec(""),
    [
        new Text<RequestClassSpec>("name", "class name (e.g. chat, code, reasoning, batch)", c => c.Name, (c, v) => c with { Name = v }) { Required = true },
        new Number<RequestClassSpec>("share", "share of the region's requests", c => c.Share, (c, v) => c with { Share = v!.Value })
            { Dimension = Dimension.Fraction, Required = true, Bounds = new Bounds(0, 1, MinOpen: true) },
        new Number<RequestClassSpec>("prompt_median", "median prompt length", c => c.PromptMedian, (c, v) => c with { PromptMedian = v!.Value })
            { Unit = "tokens", Required = true, Bounds = Bounds.Positive(10_000_000) },
        new Number<RequestClassSpec>("prompt_p90", "90th percentile of the prompt length (above the median)", c => c.PromptP90, (c, v) => c with { PromptP90 = v!.Value })
            { Unit = "tokens", Required = true, Bounds = Bounds.Positive(10_000_000) },
        new Number<RequestClassSpec>("output_median", "median output length", c => c.OutputMedian, (c, v) => c with { OutputMedian = v!.Value })
            { Unit = "tokens", Required = true, Bounds = Bounds.Positive(10_000_000) },
        new Number<RequestClassSpec>("output_p90", "90th percentile of the output length (above the median)", c => c.OutputP90, (c, v) => c with { OutputP90 = v!.Value })
            { Unit = "tokens", Required = true, Bounds = Bounds.Positive(10_000_000) },
        new Number<RequestClassSpec>("cache_hit", "share of a prompt found in the prefix cache (not prefilled)", c => c.CacheHit, (c, v) => c with { CacheHit = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0, Bounds = new Bounds(0, 1, MaxOpen: true) },
        new Number<RequestClassSpec>("slo_ttft", "time-to-first-token objective", c => c.SloTtftMs, (c, v) => c with { SloTtftMs = v!.Value })
            { Dimension = Dimension.Duration, Unit = "ms", Default = 2000, Bounds = Bounds.Positive(86_400_000) },
        new Number<RequestClassSpec>("slo_tpot", "time-per-output-token objective", c => c.SloTpotMs, (c, v) => c with { SloTpotMs = v!.Value })
            { Dimension = Dimension.Duration, Unit = "ms", Default = 100, Bounds = Bounds.Positive(86_400_000) },
        new Choice<RequestClassSpec, bool>("kind", "real-time (served at once, eastern hubs first) or batch", [("realtime", true), ("batch", false)],
            c => c.RealTime, (c, v) => c with { RealTime = v }) { Default = "realtime" },
        new Duration<RequestClassSpec>("deadline", "deadline of this batch class's work (0: the region's 'batch_deadline', else the 'batch' section's); a batch cohort takes the tightest of its region's batch classes",
            c => c.DeadlineMicros, (c, v) => c with { DeadlineMicros = v }) { Default = 0, Min = 0, Max = 30 * Day, OmitDefault = true },
    ])
    {
        Check = c => (c.PromptP90 <= c.PromptMedian ? [("prompt_p90", "'prompt_p90' must exceed 'prompt_median'")] : new List<(string, string)>())
            .Concat(c.OutputP90 <= c.OutputMedian ? [("output_p90", "'output_p90' must exceed 'output_median'")] : new List<(string, string)>())
            .Concat(c.RealTime && c.DeadlineMicros > 0 ? [("deadline", "'deadline' applies to batch classes ('kind: batch'); real-time work is served at once")] : new List<(string, string)>()),
    };

    public static readonly ParameterSet<CableSpec> Cable = new("a cable", new CableSpec("", 0, 0, 0),
    [
        new Id<CableSpec>("id", "cable id", EntityKinds.Cable, c => c.Id, (c, v) => c with { Id = v }) { Required = true },
        new Number<CableSpec>("length", "cable length", c => c.LengthKm, (c, v) => c with { LengthKm = v!.Value })
            { Dimension = Dimension.Length, Unit = "km", Required = true, Bounds = Bounds.Positive(MaxKm) },
        new Number<CableSpec>("route_factor", "path length ÷ cable length", c => c.RouteFactor, (c, v) => c with { RouteFactor = v!.Value })
            { Default = 1.35, Bounds = Bounds.Within(1, 10) },
        new Number<CableSpec>("capacity", "design capacity", c => c.CapacityTbps, (c, v) => c with { CapacityTbps = v!.Value })
            { Dimension = Dimension.DataRate, Unit = "Tbps", Default = 10, Bounds = Bounds.Positive(10_000) },
        new Number<CableSpec>("background", "mean share of the design capacity used by non-AI traffic (shaped by network.background_profile)", c => c.BackgroundShare, (c, v) => c with { BackgroundShare = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0, Bounds = Bounds.Within(0, 10) },
        new Text<CableSpec>("group", "corridor (e.g. trans-pacific): a cut member's background traffic moves to the surviving members (network.background_reroute)", c => c.Group, (c, v) => c with { Group = v })
            { Absent = "none (its background is lost with it)" },
        new Duration<CableSpec>("repair", "how long a cut lasts when the fault gives no duration (0: to the end of the run)", c => c.RepairMicros, (c, v) => c with { RepairMicros = v })
            { Default = 0, Min = 0, Max = MaxHorizonMicros },
    ]);

    public static readonly ParameterSet<LandingStationSpec> LandingStation = new("a landing station", new LandingStationSpec("", null, null, 0),
    [
        new Id<LandingStationSpec>("id", "landing station id", EntityKinds.LandingStation, x => x.Id, (x, v) => x with { Id = v }) { Required = true },
        new Number<LandingStationSpec>("lat", "latitude (for maps)", x => x.Lat, (x, v) => x with { Lat = v })
            { Unit = "°", Optional = true, Absent = "not on the map", Bounds = Bounds.Within(-90, 90) },
        new Number<LandingStationSpec>("lon", "longitude (for maps)", x => x.Lon, (x, v) => x with { Lon = v })
            { Unit = "°", Optional = true, Absent = "not on the map", Bounds = Bounds.Within(-180, 180) },
        new Duration<LandingStationSpec>("repair", "how long a failure lasts when the fault gives no duration (0: to the end of the run)", x => x.RepairMicros, (x, v) => x with { RepairMicros = v })
            { Default = 0, Min = 0, Max = MaxHorizonMicros },
    ]);

    public static readonly ParameterSet<SegmentSpec> Segment = new("a segment", new SegmentSpec("", 0, 0),
    [
        new Id<SegmentSpec>("id", "segment id", EntityKinds.Segment, x => x.Id, (x, v) => x with { Id = v }) { Required = true },
        new Number<SegmentSpec>("length", "fibre length (adds its propagation delay to every route through it)", x => x.LengthKm, (x, v) => x with { LengthKm = v!.Value })
            { Dimension = Dimension.Length, Unit = "km", Required = true, Bounds = Bounds.Positive(MaxKm) },
        new Duration<SegmentSpec>("repair", "how long a cut lasts when the fault gives no duration (0: to the end of the run)", x => x.RepairMicros, (x, v) => x with { RepairMicros = v })
            { Default = 0, Min = 0, Max = MaxHorizonMicros },
    ]);

    public static readonly ParameterSet<RouteSpec> Route = new("a route", new RouteSpec("", null, 0, null),
    [
        new Ref<RouteSpec>("hub", "destination hub", EntityKinds.Hub, r => r.Hub, (r, v) => r with { Hub = v! }) { Required = true },
        new Ref<RouteSpec>("cable", "cable crossed (none for domestic paths)", EntityKinds.Cable, r => r.Cable, (r, v) => r with { Cable = v }) { Optional = true },
        new Number<RouteSpec>("terrestrial", "one-way terrestrial latency", r => r.TerrestrialMs, (r, v) => r with { TerrestrialMs = v!.Value })
            { Dimension = Dimension.Duration, Unit = "ms", Default = 1, Bounds = Bounds.Positive(10_000) },
        new Number<RouteSpec>("cable_km", "distance travelled on the cable", r => r.CableKm, (r, v) => r with { CableKm = v })
            { Dimension = Dimension.Length, Unit = "km", Optional = true, Absent = "the cable's length", Bounds = Bounds.Positive(MaxKm) },
        new RefList<RouteSpec>("via", "landing stations and segments passed besides the cable, from the users' side (a failure of any cuts the route; a segment's length adds to its delay)",
            [EntityKinds.LandingStation, EntityKinds.Segment], r => r.Via, (r, v) => r with { Via = v }),
    ])
    {
        Check = r => r.CableKm is not null && r.Cable is null ? [("cable_km", "'cable_km' needs a 'cable'")]
            : r.Via.Count > 0 && r.Cable is null ? [("via", "'via' needs a 'cable' (landing stations and segments are checked by the cable's entity)")] : [],
    };

    public static readonly ParameterSet<UserRegionSpec> User = new("a user region", new UserRegionSpec("", 0, 0, 0, 0, 0, 0, 0, [], null, true),
    [
        new Id<UserRegionSpec>("id", "user region id", EntityKinds.Users, u => u.Id, (u, v) => u with { Id = v }) { Required = true },
        new Number<UserRegionSpec>("utc_offset", "local time offset", u => u.UtcOffsetHours, (u, v) => u with { UtcOffsetHours = v!.Value })
            { Unit = "h", Default = 8, Bounds = Bounds.Within(-12, 14) },
        new Number<UserRegionSpec>("bundles_per_second", "mean arrival rate of request bundles", u => u.BundlesPerSecond, (u, v) => u with { BundlesPerSecond = v!.Value })
            { Unit = "1/s", Required = true, Bounds = Bounds.Positive(MaxBundlesPerSecond) },
        new Number<UserRegionSpec>("requests_per_bundle", "requests a bundle stands for", u => u.RequestsPerBundle, (u, v) => u with { RequestsPerBundle = v!.Value })
            { Default = 1, Bounds = Bounds.Within(1, MaxRequestsPerBundle) },
        new Duration<UserRegionSpec>("batch_deadline", "deadline of this region's batch work (0: the 'batch' section's)", u => u.BatchDeadlineMicros, (u, v) => u with { BatchDeadlineMicros = v })
            { Default = 0, Min = 0, Max = 30 * Day, OmitDefault = true },
        new Count<UserRegionSpec>("cohort", "requests one cohort of its classes stands for (1: request by request); a cohort holds requests of one kind, real-time or batch",
            u => u.CohortSize, (u, v) => u with { CohortSize = v }) { Default = 16, Min = 1, Max = 10_000_000 },
        new Number<UserRegionSpec>("realtime_share", "share of real-time (vs batch) bundles", u => u.RealTimeShare, (u, v) => u with { RealTimeShare = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0.7, Bounds = Bounds.Share },
        new Number<UserRegionSpec>("tokens_per_request", "mean tokens (input + output) per request", u => u.MeanTokensPerRequest, (u, v) => u with { MeanTokensPerRequest = v!.Value })
            { Default = 1000, Bounds = Bounds.Positive(MaxTokensPerRequest) },
        new Choice<UserRegionSpec, bool>("token_distribution", "tokens of a bundle: exponential around the mean, or exactly the mean",
            [("exponential", true), ("fixed", false)], u => u.ExponentialTokens, (u, v) => u with { ExponentialTokens = v }) { Default = "exponential" },
        new Number<UserRegionSpec>("prefill_share", "share of service time before the first token", u => u.PrefillShare, (u, v) => u with { PrefillShare = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0.2, Bounds = Bounds.Share },
        new Number<UserRegionSpec>("slo_ttft", "time-to-first-token objective", u => u.SloTtftMs, (u, v) => u with { SloTtftMs = v!.Value })
            { Dimension = Dimension.Duration, Unit = "ms", Default = 500, Bounds = Bounds.Positive(86_400_000) },
        new Profile<UserRegionSpec>("diurnal", "24 hourly demand multipliers (local time)", u => u.Diurnal, (u, v) => u with { Diurnal = v }),
        new TraceFileParam<UserRegionSpec>("trace", "a request trace (Azure LLM inference CSV layout) the region's requests follow instead of 'classes': one real-time class 'trace' whose lengths are the trace's rows",
            u => u.TracePath, (u, path, rows) => u with { TracePath = path, TraceRows = rows }),
        new Choice<UserRegionSpec, bool>("trace_mode", "resample: Poisson arrivals at the region's rate, each request a random row; replay: the rows in order, cohort by cohort, at the trace's pace scaled to the region's rate",
            [("resample", false), ("replay", true)], u => u.TraceReplay, (u, v) => u with { TraceReplay = v }) { Default = "resample" },
        new Number<UserRegionSpec>("price_input", "list price of an uncached input token, per million (revenue of requests served on replicas)", u => u.PriceInputUsdPerM, (u, v) => u with { PriceInputUsdPerM = v!.Value })
            { Unit = "USD", Default = 0, Bounds = Bounds.NonNegative(10_000) },
        new Number<UserRegionSpec>("price_cached_input", "list price of an input token found in the prefix cache, per million", u => u.PriceCachedInputUsdPerM, (u, v) => u with { PriceCachedInputUsdPerM = v!.Value })
            { Unit = "USD", Default = 0, Bounds = Bounds.NonNegative(10_000) },
        new Number<UserRegionSpec>("price_output", "list price of an output token, per million", u => u.PriceOutputUsdPerM, (u, v) => u with { PriceOutputUsdPerM = v!.Value })
            { Unit = "USD", Default = 0, Bounds = Bounds.NonNegative(10_000) },
        new Number<UserRegionSpec>("trace_cache_hit", "share of a trace request's prompt found in the prefix cache", u => u.TraceCacheHit, (u, v) => u with { TraceCacheHit = v!.Value })
            { Dimension = Dimension.Fraction, Default = 0, Bounds = new Bounds(0, 1, MaxOpen: true) },
        new Items<UserRegionSpec, RequestClassSpec>("classes", "request classes {name, share, prompt/output median and p90, cache_hit, slo_ttft, slo_tpot, kind}; their shares sum to 1",
            RequestClass, u => u.Classes, (u, v) => u with { Classes = v }),
        new Items<UserRegionSpec, RouteSpec>("routes", "ways to the hubs: {hub, cable?, terrestrial}", Route, u => u.Routes, (u, v) => u with { Routes = v })
            { Required = true, MinCount = 1, MinCountMessage = "'routes' must list at least one route ({hub, cable?, terrestrial})" },
        new Number<UserRegionSpec>("lat", "latitude of the users' centre, for the report's map", u => u.Lat, (u, v) => u with { Lat = v })
            { Unit = "°", Optional = true, Absent = "not on the map", Bounds = Bounds.Within(-90, 90) },
        new Number<UserRegionSpec>("lon", "longitude of the users' centre, for the report's map", u => u.Lon, (u, v) => u with { Lon = v })
            { Unit = "°", Optional = true, Absent = "not on the map", Bounds = Bounds.Within(-180, 180) },
    ])
    {
        Check = u => u.TraceRows is not null && u.Classes.Count > 0
            ? [("trace", "'trace' and 'classes' exclude each other: a region's requests follow a trace or its classes")]
            : u.Classes.Count > 0 && Math.Abs(u.Classes.Sum(c => c.Share) - 1) > 1e-6
            ? [("classes", $"the classes' shares must sum to 1, got {u.Classes.Sum(c => c.Share).ToString("0.######", CultureInfo.InvariantCulture)}")]
            : u.Classes.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => ("classes", $"class '{g.Key}' is listed twice")),
    };

    /// <summary>Faults: the keys only parse here; every rule (known kind and target, start within the horizon, fraction,
    /// multiplier, durations) is <see cref="FaultRules"/>', the same for files, <c>run --outage</c> and <c>inject</c>.</summary>
    public static readonly ParameterSet<FaultSpec> Fault = new("a fault", new FaultSpec("", "", 0, 0),
    [
        new Text<FaultSpec>(FaultFields.Kind, string.Join(", ", FaultKinds.Infos.Select(k => k.Name)), f => f.Kind, (f, v) => f with { Kind = v }) { Required = true },
        new Text<FaultSpec>(FaultFields.Target, "id of the plant, link, cable, hub, landing station, segment or user region (or 'all' for demand spikes)", f => f.Target, (f, v) => f with { Target = v }) { Required = true },
        new Duration<FaultSpec>(FaultFields.Start, "start time after the run start (before the horizon)", f => f.StartMicros, (f, v) => f with { StartMicros = v })
            { Required = true, BoundsDoc = "[0, horizon)" },
        new Duration<FaultSpec>(FaultFields.Duration, "how long it lasts (0 = until the end)", f => f.DurationMicros, (f, v) => f with { DurationMicros = v })
            { Default = 0, BoundsDoc = FaultRules.TimeBounds },
        new Number<FaultSpec>(FaultFields.Fraction, "capacity lost (plant-outage, hub-failure)", f => f.Fraction, (f, v) => f with { Fraction = v!.Value })
            { Dimension = Dimension.Fraction, Default = FaultRules.DefaultFraction, BoundsDoc = FaultRules.FractionBounds },
        new Number<FaultSpec>(FaultFields.Multiplier, "demand multiplier (demand-spike)", f => f.Multiplier, (f, v) => f with { Multiplier = v!.Value })
            { Default = FaultRules.DefaultMultiplier, BoundsDoc = FaultRules.MultiplierBounds },
        new Duration<FaultSpec>(FaultFields.Ramp, "time to reach the full multiplier (demand-spike)", f => f.RampMicros, (f, v) => f with { RampMicros = v })
            { Default = 0, BoundsDoc = FaultRules.TimeBounds },
    ]);

    /// <summary>Dimensions a calibration bound may be written in (its metric's unit picks one; "" is a share).</summary>
    private static readonly Dimension[] BoundDimensions = [Dimension.Fraction, Dimension.Power, Dimension.Duration, Dimension.Energy];

    /// <summary>The unit of a target's bounds (its metric's), or null when the metric is unknown (already reported).</summary>
    private static (Dimension?, string)? BoundUnit(CalibrationTarget t) =>
        Model.SupplyChain.Calibration.Metric(t.Metric) is { } m ? (BoundDimensions.FirstOrDefault(d => d.Has(m.Unit)), m.Unit) : null;

    /// <summary>A calibration source: a fact tag of the facts files (<c>[K39]</c>, <c>[R4]</c>) or a text starting with ESTIMATE.</summary>
    private static readonly Regex FactTag = new(@"\[[A-Za-z]{1,4}\d+[a-z]?\]", RegexOptions.CultureInvariant);

    private static readonly Regex TargetId = new("^[A-Za-z0-9_.-]+$", RegexOptions.CultureInvariant);

    private static readonly IReadOnlyList<(string, PlantType?)> CalibrationPlantTypes =
        [.. Model.SupplyChain.Calibration.Metrics.SelectMany(m => m.PlantTypes).Distinct().Select(t => (t.ToString().ToLowerInvariant(), (PlantType?)t))];

    /// <summary>Calibration targets: the keys here, the metrics (names, units, scopes) in <see cref="Model.SupplyChain.Calibration.Metrics"/>.</summary>
    public static readonly ParameterSet<CalibrationTarget> Calibration = new("a calibration target", new CalibrationTarget("", "", null, null, null, null, null, null, ""),
    [
        new Text<CalibrationTarget>("id", "target id (letters, digits, '_', '-', '.'; unique in the file)", t => t.Id, (t, v) => t with { Id = v }) { Required = true },
        new Choice<CalibrationTarget, string>("metric", "what is measured (README: \"Calibration targets\")",
            [.. Model.SupplyChain.Calibration.Metrics.Select(m => (m.Name, m.Name))], t => t.Metric, (t, v) => t with { Metric = v }) { Required = true },
        new Text<CalibrationTarget>(CalibrationMetric.RegionKey, "scope: a grid region (a user region for p99_ttft_ms, stream_tokens_per_s and tokens_per_day)", t => t.Region, (t, v) => t with { Region = v })
            { Absent = "all" },
        new Ref<CalibrationTarget>(CalibrationMetric.LinkKey, "scope: a UHV link (link metrics)", EntityKinds.Link, t => t.Link, (t, v) => t with { Link = v }) { Optional = true },
        new Ref<CalibrationTarget>(CalibrationMetric.HubKey, "scope: a hub (hub metrics)", EntityKinds.Hub, t => t.Hub, (t, v) => t with { Hub = v }) { Optional = true },
        new Choice<CalibrationTarget, PlantType?>(CalibrationMetric.PlantTypeKey, "scope: one plant type (curtailment_share)", CalibrationPlantTypes,
            t => t.PlantType, (t, v) => t with { PlantType = v }) { Absent = "wind and solar" },
        new Choice<CalibrationTarget, string?>(CalibrationMetric.UsersKey, "scope: a kind of user region (tokens_per_day): domestic (no route takes a cable) or foreign (a route takes a cable)",
            [.. Model.SupplyChain.Calibration.UserKinds.Select(k => (k, (string?)k))], t => t.Users, (t, v) => t with { Users = v }) { Absent = "all" },
        new Measure<CalibrationTarget>("low", "lowest value in the band, in the metric's unit", BoundUnit, t => t.Low, (t, v) => t with { Low = v })
            { ShapeText = "number in the metric's unit (a share: 3 % or 0.03)", Absent = "no lower end" },
        new Measure<CalibrationTarget>("high", "highest value in the band, in the metric's unit", BoundUnit, t => t.High, (t, v) => t with { High = v })
            { ShapeText = "number in the metric's unit (a share: 3 % or 0.03)", Absent = "no upper end" },
        new Text<CalibrationTarget>("source", "where the band comes from: a fact tag of the facts files ([K39]) or a text starting with ESTIMATE", t => t.Source, (t, v) => t with { Source = v })
            { Required = true },
    ])
    {
        Check = CheckTarget,
    };

    /// <summary>A target on its own: id, scope keys its metric takes and needs, a band with at least one end within the
    /// metric's range and in order, a source that cites.</summary>
    private static IEnumerable<(string Field, string Message)> CheckTarget(CalibrationTarget t)
    {
        if (t.Id.Length > 0 && !TargetId.IsMatch(t.Id))
            yield return ("id", $"calibration target id '{t.Id}' may only contain letters, digits, '_', '-' and '.'");
        if (t.Source.Length > 0 && !t.Source.StartsWith("ESTIMATE", StringComparison.Ordinal) && !FactTag.IsMatch(t.Source))
            yield return ("source", $"'source' must cite a fact tag such as [K39] or start with ESTIMATE, got '{t.Source}'");
        if (Model.SupplyChain.Calibration.Metric(t.Metric) is not { } m) yield break; // unknown: reported by 'metric'
        var given = (t.Region is null ? 0 : CalibrationScopes.Region) | (t.Link is null ? 0 : CalibrationScopes.Link)
            | (t.Hub is null ? 0 : CalibrationScopes.Hub) | (t.PlantType is null ? 0 : CalibrationScopes.PlantType) | (t.Users is null ? 0 : CalibrationScopes.Users);
        foreach (var (scope, key) in new[] { (CalibrationScopes.Region, CalibrationMetric.RegionKey), (CalibrationScopes.Link, CalibrationMetric.LinkKey),
                     (CalibrationScopes.Hub, CalibrationMetric.HubKey), (CalibrationScopes.PlantType, CalibrationMetric.PlantTypeKey),
                     (CalibrationScopes.Users, CalibrationMetric.UsersKey) })
        {
            if ((given & scope) != 0 && (m.Takes & scope) == 0)
                yield return (key, $"metric '{m.Name}' takes no '{key}' (its scope: {m.ScopeDoc})");
            if ((given & scope) == 0 && (m.Required & scope) != 0)
                yield return ("metric", $"metric '{m.Name}' needs a '{key}'");
        }
        foreach (var (key, v) in new[] { ("low", t.Low), ("high", t.High) })
        {
            if (v is not double x) continue;
            if (m.IsShare && x is < 0 or > 1) yield return (key, $"'{key}' of a share must be within [0, 1] (3 % or 0.03), got {N(x)}");
            else if (x < 0) yield return (key, $"'{key}' must not be negative, got {N(x)}");
        }
        if (t.Low is double lo && t.High is double hi && lo > hi)
            yield return ("low", $"'low' ({N(lo)}) must not be more than 'high' ({N(hi)})");
    }

    /// <summary>Checks of a target read without errors, against the topology read before it: no two targets share an id, it
    /// has a band, and its region is one of the metric's region kind (grid or user regions).</summary>
    private static Func<CalibrationTarget, IEnumerable<(string Field, string Message)>> CheckTargets(ScenarioSettings d)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return t => Problems(t);

        IEnumerable<(string, string)> Problems(CalibrationTarget t)
        {
            if (!seen.Add(t.Id)) yield return ("id", $"duplicate calibration target id '{t.Id}'");
            // Here rather than in the entry's own check: a bound that did not parse is already reported.
            if (t.Low is null && t.High is null) yield return ("", $"calibration target '{t.Id}' needs 'low', 'high' or both");
            if (t.Region is string region && Model.SupplyChain.Calibration.Metric(t.Metric) is { } m)
            {
                var ids = m.RegionKind.Ids(d.Spec);
                if (!ids.Contains(region))
                {
                    var near = ids.OrderBy(k => ParameterSet.Levenshtein(region, k)).ThenBy(k => k, StringComparer.Ordinal).FirstOrDefault();
                    var hint = near is not null && ParameterSet.Levenshtein(region, near) <= Math.Max(2, region.Length / 3) ? $"; did you mean '{near}'?" : "";
                    yield return (CalibrationMetric.RegionKey, $"'region' refers to unknown {m.RegionKind.Noun} '{region}'{hint}" +
                        (m.RegionKind == EntityKinds.Region ? "" : $" ({m.Name} is scoped by {m.RegionKind.Noun})"));
                }
            }
        }
    }

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The whole file, in the order it is read (so references resolve whatever order the file uses).</summary>
    public static readonly ParameterSet<ScenarioSettings> Root = new("the scenario", Blank,
    [
        new Text<ScenarioSettings>("name", "scenario name", d => d.Spec.Name, (d, v) => d with { Spec = d.Spec with { Name = v } }) { Default = "scenario" },
        new Section<ScenarioSettings>("time", "start date, horizon, dispatch interval, seed", Time),
        new Choice<ScenarioSettings, IRoutingPolicy>("policy", "routing policy: " + string.Join("; ", RoutingPolicies.All.Select(p => $"{p.Name} — {p.Help}")),
            [.. RoutingPolicies.All.Select(p => (p.Name, p))], d => d.Spec.Policy, (d, v) => d with { Spec = d.Spec with { Policy = v } })
            { Default = RoutingPolicies.LatencyFirst.Name },
        new Choice<ScenarioSettings, HubPricing>("hub_pricing", "what hubs pay for electricity unless a hub's 'pricing' says otherwise: tariff (its flat 'electricity_price') or locational (its region's price of the dispatch interval the energy is drawn in: the marginal supply's cost, 0 when only must-run output and renewables were used)",
            [("tariff", HubPricing.Tariff), ("locational", HubPricing.Locational)], d => d.Spec.HubPricing, (d, v) => d with { Spec = d.Spec with { HubPricing = v } })
            { Default = "tariff", OmitDefault = true },
        new Section<ScenarioSettings>("network", "network-wide settings", Network),
        new Section<ScenarioSettings>("weather", "spatially correlated weather of solar and wind plants", Weather),
        new OptionalSection<ScenarioSettings>("batch", "the batch scheduler: holds batch work to its deadline and releases it by policy (absent: batch goes straight to hubs)", Batch, d => d.Spec.Batch is not null),
        new Items<ScenarioSettings, RegionSpec>("regions", "grid regions (provinces)", Region, d => d.Spec.Regions, (d, v) => d with { Spec = d.Spec with { Regions = v } }),
        new Items<ScenarioSettings, LinkSpec>("links", "UHV transmission links", Link, d => d.Spec.Links, (d, v) => d with { Spec = d.Spec with { Links = v } }),
        new Items<ScenarioSettings, PlantSpec>("plants", "generation aggregates", Plant, d => d.Spec.Plants, (d, v) => d with { Spec = d.Spec with { Plants = v } })
        {
            ItemCheck = d =>
            {
                var from = d.Spec.Links.GroupBy(l => l.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().From, StringComparer.Ordinal);
                return p => p.ExportLink is string l && from.TryGetValue(l, out var region) && region != p.Region
                    ? [("export_link", $"'export_link' '{l}' leaves region '{region}', not the plant's region '{p.Region}'")]
                    : [];
            },
        },
        new Items<ScenarioSettings, StorageSpec>("storage", "storage aggregates (pumped hydro, batteries)", Storage, d => d.Spec.Storage, (d, v) => d with { Spec = d.Spec with { Storage = v } }),
        new Items<ScenarioSettings, AcceleratorSpec>("accelerators", "accelerator catalogue: power by phase, HBM, rental, and how a replica of the model runs on it",
            Accelerator, d => d.Spec.Accelerators, (d, v) => d with { Spec = d.Spec with { Accelerators = v } }),
        new Items<ScenarioSettings, HubSpec>("hubs", "computing hubs", Hub, d => d.Spec.Hubs, (d, v) => d with { Spec = d.Spec with { Hubs = v } })
        {
            ItemCheck = d =>
            {
                var types = d.Spec.Accelerators.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
                return h => h.Accelerator is string a
                    ? (types.Contains(a) ? (h.Replicas < 1 ? [("replicas", "a hub on accelerators needs 'replicas' of at least 1")] : [])
                        : [("accelerator", $"unknown accelerator '{a}'" + (types.Count > 0 ? $" (the catalogue has {string.Join(", ", types.Order(StringComparer.Ordinal))})" : " (the file has no 'accelerators:' catalogue)"))])
                    : h.Replicas > 0 ? [("replicas", "'replicas' needs an 'accelerator'")] : [];
            },
        },
        new Items<ScenarioSettings, CableSpec>("cables", "subsea and cross-border cables", Cable, d => d.Spec.Cables, (d, v) => d with { Spec = d.Spec with { Cables = v } }),
        new Items<ScenarioSettings, LandingStationSpec>("landing_stations", "cable landing stations routes pass through (shared points of failure)", LandingStation,
            d => d.Spec.LandingStations, (d, v) => d with { Spec = d.Spec with { LandingStations = v } }),
        new Items<ScenarioSettings, SegmentSpec>("segments", "terrestrial segments routes pass through: backhaul, cross-border fibre (shared points of failure)", Segment,
            d => d.Spec.Segments, (d, v) => d with { Spec = d.Spec with { Segments = v } }),
        new Items<ScenarioSettings, UserRegionSpec>("users", "user regions and their routes", User, d => d.Spec.Users, (d, v) => d with { Spec = d.Spec with { Users = v } })
        {
            ItemCheck = d =>
            {
                var onReplicas = d.Spec.Hubs.Where(h => h.Accelerator is not null).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
                return u => u.ServedClasses.Count == 0 && u.Routes.FirstOrDefault(r => onReplicas.Contains(r.Hub)) is { } route
                    ? [("routes", $"hub '{route.Hub}' serves on accelerators: a region it serves needs 'classes' or a 'trace'")]
                    : [];
            },
        },
        new Items<ScenarioSettings, FaultSpec>("faults", "scripted faults and demand spikes", Fault, d => d.Spec.Faults, (d, v) => d with { Spec = d.Spec with { Faults = v } })
        {
            ItemCheck = d =>
            {
                var rules = FaultRules.For(d.Spec, d.HorizonMicros);
                return f => rules.Check(f).Select(p => (p.Field, p.Message));
            },
        },
        new Items<ScenarioSettings, CalibrationTarget>("calibration", "targets every run evaluates: {id, metric, scope, low/high, source} (README: \"Calibration targets\")",
            Calibration, d => d.Spec.Calibration, (d, v) => d with { Spec = d.Spec with { Calibration = v } })
        {
            ItemCheck = CheckTargets,
        },
    ])
    {
        Check = d => QueueCounts(d.Spec),
    };

    /// <summary>Hubs count queued and in-service requests as 32-bit numbers: (queue_limit + servers) bundles of the
    /// largest requests_per_bundle must fit.</summary>
    private static IEnumerable<(string Field, string Message)> QueueCounts(SupplyChainSpec s)
    {
        if (s.Users.Count == 0) yield break;
        double requests = s.Users.Max(u => Math.Round(u.RequestsPerBundle));
        foreach (var h in s.Hubs.Where(h => ((double)h.QueueLimit + h.Servers) * requests > int.MaxValue).Take(1))
            yield return ("hubs", $"hub '{h.Id}' could hold ({h.QueueLimit} queued + {h.Servers} in service) × {requests} requests per bundle, " +
                $"more than the {int.MaxValue:N0} requests a hub can count: lower queue_limit, servers or requests_per_bundle");
    }

    /// <summary>A topology with nothing in it and no settings (the start of every read).</summary>
    private static ScenarioSettings Blank => new(new SupplyChainSpec("", 0, 0, [], [], [], [], [], [], [], RoutingPolicies.LatencyFirst, 0, 0, 0, new WeatherSpec(0, 0, 0)), 0, 0);

    /// <summary>Every section and list with its parameter set (the top level first, then depth first), for documentation and tests.</summary>
    public static IEnumerable<(string Path, ParameterSet Set)> Sets()
    {
        IEnumerable<(string, ParameterSet)> Walk(string path, ParameterSet set)
        {
            yield return (path, set);
            foreach (var p in set.Parameters)
                if (p is INested n)
                    foreach (var x in Walk(path.Length == 0 ? p.Key : path + "." + p.Key, n.Set)) yield return x;
        }
        return Walk("", Root);
    }

    /// <summary>The metrics calibration targets can name as a Markdown table (README's "Calibration targets"), from
    /// <see cref="Model.SupplyChain.Calibration.Metrics"/>.</summary>
    public static string CalibrationMetricsMarkdown()
    {
        var sb = new StringBuilder("| metric | unit of low/high | scope | value |\n|---|---|---|---|\n");
        foreach (var m in Model.SupplyChain.Calibration.Metrics)
            sb.Append($"| `{m.Name}` | {(m.IsShare ? "share (3 % or 0.03)" : m.Unit)} | {m.ScopeDoc} | {m.Help.Replace("|", "\\|")} |\n");
        return sb.ToString();
    }

    /// <summary>The reference of every key as Markdown tables (README's "Scenario keys"), from the declarations above.</summary>
    public static string Markdown()
    {
        var sb = new StringBuilder();
        foreach (var (path, set) in Sets())
        {
            sb.Append("**").Append(path.Length == 0 ? "top level" : $"`{path}`").Append("**\n\n");
            sb.Append("| key | value | default | range | meaning |\n|---|---|---|---|---|\n");
            foreach (var p in set.Parameters)
                sb.Append($"| `{p.Key}` | {p.Shape} | {(p.Required ? "required" : p.DefaultText ?? "")} | {p.BoundsText ?? ""} | {p.Help.Replace("|", "\\|")} |\n");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
