namespace GridActors.Model.SupplyChain;

// The specs of a topology. They carry no defaults of their own: scenario files get theirs from the parameter
// declarations in GridActors.Scenarios (ScenarioSchema), whose Defaults also build specs in code; faults take
// theirs from FaultRules.

/// <summary>Kinds of generation. Solar, wind and hydro are renewable (must-take, curtailable).</summary>
public enum PlantType { Solar, Wind, Hydro, Coal, Nuclear, Gas }

/// <summary>A generation aggregate attached to a grid region. Power in MW, money in USD.
/// <paramref name="RampMWPerMinute"/> is +∞ for no ramp limit.</summary>
public sealed record PlantSpec(
    string Id, string Region, PlantType Type, double CapacityMW, double Lat, double Lon,
    double CapacityFactor, double MarginalCostUsdPerMWh, double CarbonKgPerMWh,
    double RampMWPerMinute, double ForcedOutagesPerYear, double OutageHours)
{
    public bool Renewable => Type is PlantType.Solar or PlantType.Wind or PlantType.Hydro;
}

/// <summary>A grid region (province). <paramref name="LoadProfile"/>: 24 hourly multipliers of the background load (or none).</summary>
public sealed record RegionSpec(string Id, double BackgroundLoadMW, double[]? LoadProfile, double UtcOffsetHours);

/// <summary>A directional UHV transmission link.</summary>
public sealed record LinkSpec(string Id, string From, string To, double CapacityMW, double LengthKm, double LossPer1000Km);

/// <summary>
/// A computing hub: <paramref name="Servers"/> serving units (each a scaled group of accelerators) with
/// their token rate and power, PUE, electricity price, capital cost, queues.
/// </summary>
public sealed record HubSpec(
    string Id, string Region, double Lat, double Lon, bool East,
    int Servers, double TokensPerSecondPerServer, double IdleMWPerServer, double FullMWPerServer,
    double Pue, double ElectricityUsdPerMWh, double CapitalUsdPerServerHour, int QueueLimit);

/// <summary>A subsea or cross-border cable between a foreign side and a Chinese landing.</summary>
public sealed record CableSpec(string Id, double LengthKm, double RouteFactor, double CapacityTbps);

/// <summary>One way from a user region to a hub: over a cable (or none for domestic paths) plus terrestrial
/// latency. <paramref name="CableKm"/> is the length travelled on the cable (null: the cable's length).</summary>
public sealed record RouteSpec(string Hub, string? Cable, double TerrestrialMs, double? CableKm);

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
}
