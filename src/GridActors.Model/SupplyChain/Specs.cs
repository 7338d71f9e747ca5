namespace GridActors.Model.SupplyChain;

// The specs of a topology. They carry no defaults of their own: scenario files get theirs from the parameter
// declarations in GridActors.Scenarios (ScenarioSchema), whose Defaults also build specs in code; faults take
// theirs from FaultRules.

/// <summary>Kinds of generation. Solar, wind and hydro are renewable (must-take, curtailable).</summary>
public enum PlantType { Solar, Wind, Hydro, Coal, Nuclear, Gas }

/// <summary>How a hydro plant uses its water: as it comes (run-of-river) or from a reservoir with a daily energy budget.</summary>
public enum HydroMode { RunOfRiver, Reservoir }

/// <summary>A generation aggregate attached to a grid region. Power in MW, money in USD.
/// <paramref name="RampMWPerMinute"/> is +∞ for no ramp limit.</summary>
public sealed record PlantSpec(
    string Id, string Region, PlantType Type, double CapacityMW, double Lat, double Lon,
    double CapacityFactor, double MarginalCostUsdPerMWh, double CarbonKgPerMWh,
    double RampMWPerMinute, double ForcedOutagesPerYear, double OutageHours)
{
    /// <summary>Solar, wind and run-of-river hydro: must-take, curtailed (spilled) when nobody takes them. A reservoir
    /// keeps the water it does not use, so it is offered like a dispatchable plant.</summary>
    public bool Renewable => Type is PlantType.Solar or PlantType.Wind || (Type == PlantType.Hydro && HydroMode == HydroMode.RunOfRiver);

    /// <summary>Coal, gas and nuclear: the plants that must-run, minimum stable output, ramp-down and start-up costs apply to.</summary>
    public bool Thermal => Type is PlantType.Coal or PlantType.Gas or PlantType.Nuclear;

    /// <summary>Least output of the plant's online units, as a share of their capacity (0: none).</summary>
    public double MinStable { get; init; }

    /// <summary>Share of the available capacity that must run (CHP heat, nuclear baseload), before the monthly factor.</summary>
    public double MustRun { get; init; }

    /// <summary>12 multipliers of <see cref="MustRun"/> by calendar month (January first), or null (1 every month).</summary>
    public double[]? MustRunByMonth { get; init; }

    /// <summary>Ramp-down limit (MW per minute); null: the same as <see cref="PlantSpec.RampMWPerMinute"/>.</summary>
    public double? RampDownMWPerMinute { get; init; }

    /// <summary>Cost of bringing one MW of units online (USD per MW started).</summary>
    public double StartupCostUsdPerMW { get; init; }

    /// <summary>Run-of-river or reservoir (hydro only).</summary>
    public HydroMode HydroMode { get; init; }

    /// <summary>Energy a reservoir may release per day (MWh); null: capacity × capacity factor × 24 h.</summary>
    public double? DailyEnergyMWh { get; init; }

    /// <summary>The link a dedicated export base feeds first (its output is not pooled with the provincial load), or null.</summary>
    public string? ExportLink { get; init; }

    /// <summary>The ramp-down limit in force (MW per minute; +∞ for none).</summary>
    public double RampDownLimit => RampDownMWPerMinute ?? RampMWPerMinute;

    /// <summary>The must-run share in a calendar month (1–12), at most 1.</summary>
    public double MustRunIn(int month) => Math.Min(1, MustRun * (MustRunByMonth is { Length: 12 } f ? f[month - 1] : 1));
}

/// <summary>How a region reads its 24 hourly load multipliers: <see cref="Linear"/> interpolates between the hours' midpoints
/// (a load that changes smoothly, as a real one does: a step of several GW at the full hour is more than a thermal fleet can
/// ramp in one interval), <see cref="Step"/> holds each hour's value for the whole hour.</summary>
public enum LoadShape { Linear, Step }

/// <summary>A grid region (province). <paramref name="LoadProfile"/>: 24 hourly multipliers of the background load (or none).</summary>
public sealed record RegionSpec(string Id, double BackgroundLoadMW, double[]? LoadProfile, double UtcOffsetHours)
{
    /// <summary>How the load profile is read between full hours.</summary>
    public LoadShape LoadShape { get; init; }
}

/// <summary>A directional UHV transmission link.</summary>
public sealed record LinkSpec(string Id, string From, string To, double CapacityMW, double LengthKm, double LossPer1000Km)
{
    /// <summary>Day-ahead transfer schedule: 24 hourly fractions of the capacity (local time of the sending region), or
    /// null for merit-order re-dispatch every interval.</summary>
    public double[]? Schedule { get; init; }

    /// <summary>Share of the capacity the real-time flow may deviate from the schedule, either way.</summary>
    public double Deviation { get; init; }
}

/// <summary>Kinds of storage (descriptive: the physics is the same, the parameters differ).</summary>
public enum StorageType { PumpedHydro, Battery }

/// <summary>A storage aggregate attached to a grid region: <paramref name="PowerMW"/> to charge or discharge,
/// <paramref name="EnergyMWh"/> stored at most, round-trip <paramref name="Efficiency"/>, and its state of charge at the
/// start as a share of <paramref name="EnergyMWh"/>.</summary>
public sealed record StorageSpec(string Id, string Region, StorageType Type, double PowerMW, double EnergyMWh, double Efficiency,
    double InitialSoc, double Lat, double Lon);

/// <summary>What a hub pays for its electricity (<see cref="HubSpec.Pricing"/>, <see cref="SupplyChainSpec.HubPricing"/>):
/// its flat <see cref="HubSpec.ElectricityUsdPerMWh"/> tariff, or the locational price of its region's dispatch interval
/// in which the energy was drawn (<see cref="RegionSample.PriceUsdPerMWh"/>: the marginal supply's cost; 0 when only floors
/// and renewables served the region, as in hours of surplus).</summary>
public enum HubPricing { Tariff, Locational }

/// <summary>
/// A computing hub: <paramref name="Servers"/> serving units (each a scaled group of accelerators) with
/// their token rate and power, PUE, electricity price, capital cost, queues.
/// </summary>
public sealed record HubSpec(
    string Id, string Region, double Lat, double Lon, bool East,
    int Servers, double TokensPerSecondPerServer, double IdleMWPerServer, double FullMWPerServer,
    double Pue, double ElectricityUsdPerMWh, double CapitalUsdPerServerHour, int QueueLimit)
{
    /// <summary>The catalogue entry its replicas run on (<see cref="SupplyChainSpec.Accelerators"/>), or null for a hub of
    /// serving units (<see cref="Servers"/> at a fixed token rate).</summary>
    public string? Accelerator { get; init; }

    /// <summary>Replicas (model instances) of a hub on accelerators.</summary>
    public int Replicas { get; init; }

    /// <summary>Replicas simulated request by request; each stands for replicas ÷ this many (see <see cref="HubReplicas"/>).</summary>
    public int SimulatedReplicas { get; init; } = 2;

    /// <summary>Longest a request waits for admission to a replica before it is dropped (µs).</summary>
    public long MaxWaitMicros { get; init; } = 60_000_000;

    /// <summary>How the hub spreads its requests over its replicas (see <see cref="HubReplicas"/>).</summary>
    public ReplicaDispatch Dispatch { get; init; } = ReplicaDispatch.Pack;

    /// <summary>Packed: how long the work must have needed fewer replicas before the extra ones are parked (µs).</summary>
    public long ParkAfterMicros { get; init; } = 10_000_000;

    /// <summary>What this hub pays for electricity, or null: the scenario's <see cref="SupplyChainSpec.HubPricing"/>.</summary>
    public HubPricing? Pricing { get; init; }

    /// <summary>A host outside China (an overseas hub with its own grid region, power price and accelerators): foreign users
    /// it serves do not cross into China (<see cref="SupplyChainSummary.ForeignTokensIntoChinaShare"/>).</summary>
    public bool Overseas { get; init; }
}

/// <summary>A subsea or cross-border cable between a foreign side and a Chinese landing.</summary>
public sealed record CableSpec(string Id, double LengthKm, double RouteFactor, double CapacityTbps)
{
    /// <summary>Mean share of its design capacity that non-AI ("background") traffic uses; shaped over the day by
    /// <see cref="NetworkSpec.BackgroundProfile"/>.</summary>
    public double BackgroundShare { get; init; }

    /// <summary>The corridor it belongs to (e.g. trans-pacific): when a member is cut, a share
    /// (<see cref="NetworkSpec.BackgroundReroute"/>) of its background traffic moves to the surviving members in proportion
    /// to their capacity. Null: its background traffic is lost with it.</summary>
    public string? Group { get; init; }

    /// <summary>How long a cut lasts when the fault gives no duration (µs; 0: until the end of the run).</summary>
    public long RepairMicros { get; init; }
}

/// <summary>A cable landing station (or border crossing) that several cables and routes share: a failure cuts every route
/// through it.</summary>
public sealed record LandingStationSpec(string Id, double? Lat, double? Lon, long RepairMicros);

/// <summary>A terrestrial segment (backhaul from a landing, a cross-border fibre) that routes pass through: its length adds
/// propagation delay to each route through it; a cut cuts every route through it.</summary>
public sealed record SegmentSpec(string Id, double LengthKm, long RepairMicros);

/// <summary>One way from a user region to a hub: over a cable (or none for domestic paths) plus terrestrial
/// latency. <paramref name="CableKm"/> is the length travelled on the cable (null: the cable's length).</summary>
public sealed record RouteSpec(string Hub, string? Cable, double TerrestrialMs, double? CableKm)
{
    /// <summary>Landing stations and segments the route passes through besides its cable, in order from the users
    /// (landing station → backhaul); each segment's length adds to the one-way delay.</summary>
    public IReadOnlyList<string> Via { get; init; } = [];
}

/// <summary>Network-wide settings of the cables' traffic (see <see cref="Cable"/>).</summary>
/// <param name="BytesPerToken">Bytes a token costs on a cable, request and response together (0: AI traffic not counted).</param>
/// <param name="ConvergenceMicros">Time from a cable, landing station or segment going down (or coming back) to user regions
/// routing around it (routing convergence); until then they keep sending into it.</param>
/// <param name="BackgroundProfile">24 multipliers of background traffic by UTC hour (mean 1), or null: flat.</param>
/// <param name="BackgroundReroute">Share of a cut cable's background traffic that moves to the surviving cables of its group.</param>
/// <param name="QueueingMicros">The queueing term at zero load (µs): the delay added at utilisation ρ is
/// <c>QueueingMicros × ρ / (1 − ρ)</c> (M/M/1 waiting time), capped at <paramref name="MaxQueueingMicros"/>.</param>
/// <param name="MaxQueueingMicros">Cap of the added delay (µs): full buffers; traffic beyond capacity is dropped (congestion).</param>
public sealed record NetworkSpec(double BytesPerToken, long ConvergenceMicros, double[]? BackgroundProfile, double BackgroundReroute,
    long QueueingMicros, long MaxQueueingMicros)
{
    public static readonly NetworkSpec Default = new(0, 0, null, 0, 1000, 100_000);
}

/// <summary>
/// A population of users. Requests are modelled as bundles of <paramref name="RequestsPerBundle"/> requests
/// that arrive as a Poisson process with rate <c>BundlesPerSecond × diurnal(local hour) × spikes</c>; a bundle's
/// tokens are exponentially distributed around the mean (<paramref name="ExponentialTokens"/>) or exactly the mean.
/// </summary>
public sealed record UserRegionSpec(
    string Id, double UtcOffsetHours, double BundlesPerSecond, double RequestsPerBundle,
    double RealTimeShare, double MeanTokensPerRequest, double PrefillShare, double SloTtftMs,
    IReadOnlyList<RouteSpec> Routes, double[]? Diurnal, bool ExponentialTokens)
{
    /// <summary>Request classes (prompt and output lengths, cache hits, objectives); none: bundles of
    /// <see cref="RequestsPerBundle"/> requests of <see cref="MeanTokensPerRequest"/> tokens.</summary>
    public IReadOnlyList<Serving.RequestClassSpec> Classes { get; init; } = [];

    /// <summary>Requests one cohort of its classes stands for (1: request by request).</summary>
    public int CohortSize { get; init; } = 16;

    /// <summary>Deadline of its batch work from creation (µs; 0: the batch scheduler's <see cref="BatchSchedulerSpec.DeadlineMicros"/>).</summary>
    public long BatchDeadlineMicros { get; init; }

    /// <summary>A request trace (Azure LLM inference layout, <see cref="TracePath"/>) the region's requests follow instead of
    /// classes: one real-time class named "trace" with <see cref="TraceCacheHit"/>, the region's TTFT objective and a TPOT
    /// objective of 100 ms, whose lengths are the trace's rows, resampled or replayed (<see cref="TraceReplay"/>).</summary>
    public IReadOnlyList<TraceRow>? TraceRows { get; init; }

    public string? TracePath { get; init; }
    public bool TraceReplay { get; init; }
    public double TraceCacheHit { get; init; }

    /// <summary>List prices the region's requests pay (USD per million tokens: uncached input, cached input, output); all 0:
    /// no list prices (no revenue, margin 1 in a cost waterfall).</summary>
    public double PriceInputUsdPerM { get; init; }
    public double PriceCachedInputUsdPerM { get; init; }
    public double PriceOutputUsdPerM { get; init; }

    /// <summary>The classes its requests are of: <see cref="Classes"/>, or the trace's one class, or none.</summary>
    public IReadOnlyList<Serving.RequestClassSpec> ServedClasses => Classes.Count > 0 || TraceRows is null
        ? Classes
        : [new Serving.RequestClassSpec("trace") { Trace = TraceRows, Replay = TraceReplay, CacheHit = TraceCacheHit, SloTtftMs = SloTtftMs, SloTpotMs = 100 }];

    /// <summary>Where the users are (for maps only; optional).</summary>
    public double? Lat { get; init; }
    public double? Lon { get; init; }
}

/// <summary>A scripted fault or spike on the timeline. Times are µs of simulated time; rules in <see cref="FaultRules"/>.</summary>
public sealed record FaultSpec(string Kind, string Target, long StartMicros, long DurationMicros,
    double Fraction = FaultRules.DefaultFraction, double Multiplier = FaultRules.DefaultMultiplier, long RampMicros = 0);

/// <summary>The weather solar and wind plants share (<see cref="WeatherField"/>): the correlation lengths (km) of the
/// wind and cloudiness fields, and <paramref name="PlantNoise"/>, the share of the variance of a plant's weather anomaly
/// that is its own rather than its site's (1: every plant has weather of its own, uncorrelated with any other).</summary>
public sealed record WeatherSpec(double WindCorrelationKm, double SolarCorrelationKm, double PlantNoise);

/// <summary>A complete topology plus run-level settings; built from a scenario file or in code.</summary>
public sealed record SupplyChainSpec(
    string Name,
    long DispatchIntervalMicros,
    int StartDayOfYear,
    IReadOnlyList<PlantSpec> Plants,
    IReadOnlyList<RegionSpec> Regions,
    IReadOnlyList<LinkSpec> Links,
    IReadOnlyList<HubSpec> Hubs,
    IReadOnlyList<CableSpec> Cables,
    IReadOnlyList<UserRegionSpec> Users,
    IReadOnlyList<FaultSpec> Faults,
    IRoutingPolicy Policy,
    double NetworkUsdPerMillionTokens,
    long HubStatusPeriodMicros,
    double FiberMicrosPerKm,
    WeatherSpec Weather)
{
    /// <summary>Calibration targets every run evaluates (<see cref="SupplyChain.Calibration"/>); they change nothing in the run.</summary>
    public IReadOnlyList<CalibrationTarget> Calibration { get; init; } = [];

    /// <summary>Storage aggregates (pumped hydro, batteries).</summary>
    public IReadOnlyList<StorageSpec> Storage { get; init; } = [];

    /// <summary>The accelerator catalogue hubs on accelerators refer to.</summary>
    public IReadOnlyList<Serving.AcceleratorSpec> Accelerators { get; init; } = [];

    /// <summary>What hubs pay for electricity unless they say otherwise (<see cref="HubSpec.Pricing"/>).</summary>
    public HubPricing HubPricing { get; init; }

    /// <summary>What hub <paramref name="hub"/> pays for electricity: its own choice, else the scenario's.</summary>
    public HubPricing PricingOf(HubSpec hub) => hub.Pricing ?? HubPricing;

    /// <summary>When user regions stop making requests (µs; 0: never): the rest of the horizon drains the work in hand.</summary>
    public long DemandUntilMicros { get; init; }

    /// <summary>The batch scheduler, or null: batch cohorts then go straight to the hub the routing policy picks.</summary>
    public BatchSchedulerSpec? Batch { get; init; }

    /// <summary>Cable landing stations routes pass through (entities: a failure cuts every route through one).</summary>
    public IReadOnlyList<LandingStationSpec> LandingStations { get; init; } = [];

    /// <summary>Terrestrial segments routes pass through (entities: a cut cuts every route through one).</summary>
    public IReadOnlyList<SegmentSpec> Segments { get; init; } = [];

    /// <summary>Cable traffic: bytes per token, background load, queueing, routing convergence.</summary>
    public NetworkSpec Network { get; init; } = NetworkSpec.Default;
}

/// <summary>How the batch scheduler releases the batch work it holds (see <see cref="BatchScheduler"/>).</summary>
public enum BatchPolicy : byte
{
    /// <summary>Release on arrival, to the hub the routing policy picks.</summary>
    LatencyFirst,
    /// <summary>Release to hubs whose region would curtail renewable power (in time, space or both: <see cref="BatchShift"/>).</summary>
    GreenAware,
    /// <summary>Release when a hub's locational price is among the cheapest of the past day (p25), to the cheapest hub.</summary>
    PriceAware,
}

/// <summary>How a hub on replicas spreads its requests: packed onto as few replicas as keep each below
/// <see cref="HubReplicas.TargetUtilisation"/> of its capacity, the others parked at idle (<c>pack</c>), or round robin over
/// every usable replica (<c>spread</c>).</summary>
public enum ReplicaDispatch : byte { Pack, Spread }

/// <summary>Where and when green-aware and price-aware release may move batch work: to other hours at the hub it would go
/// to anyway (<c>time</c>), to other hubs at arrival (<c>space</c>), or both.</summary>
public enum BatchShift : byte { TimeAndSpace, Time, Space }

/// <summary>The batch scheduler: its policy, how it may shift work, the default deadline (from a cohort's creation), the
/// slack before the deadline at which held work is released whatever the signals (ESTIMATE in scenarios: service time
/// plus margin), and how often it decides (µs).</summary>
public sealed record BatchSchedulerSpec(BatchPolicy Policy, BatchShift Shift, long DeadlineMicros, long SlackMicros, long PeriodMicros)
{
    public static readonly BatchSchedulerSpec Default = new(BatchPolicy.LatencyFirst, BatchShift.TimeAndSpace, 24 * Kernel.SimTime.MicrosPerHour, 2 * Kernel.SimTime.MicrosPerHour, Kernel.SimTime.MicrosPerMinute);
}
