namespace GridActors.Model.SupplyChain;

/// <summary>Kinds of generation. Solar, wind and hydro are renewable (must-take, curtailable).</summary>
public enum PlantType { Solar, Wind, Hydro, Coal, Nuclear, Gas }

/// <summary>A generation aggregate attached to a grid region. Power in MW, money in USD.</summary>
public sealed record PlantSpec(
    string Id, string Region, PlantType Type, double CapacityMW, double Lat, double Lon,
    double CapacityFactor = 0.2, double MarginalCostUsdPerMWh = 0, double CarbonKgPerMWh = 0,
    double RampMWPerMinute = double.PositiveInfinity, double ForcedOutagesPerYear = 0, double OutageHours = 24)
{
    public bool Renewable => Type is PlantType.Solar or PlantType.Wind or PlantType.Hydro;
}

/// <summary>A grid region (province). <paramref name="LoadProfile"/>: 24 hourly multipliers of the background load.</summary>
public sealed record RegionSpec(string Id, double BackgroundLoadMW = 0, double[]? LoadProfile = null, double UtcOffsetHours = 8);

/// <summary>A directional UHV transmission link.</summary>
public sealed record LinkSpec(string Id, string From, string To, double CapacityMW, double LengthKm, double LossPer1000Km = 0.03);

/// <summary>
/// A computing hub: <paramref name="Servers"/> serving units (each a scaled group of accelerators) with
/// their token rate and power, PUE, electricity price, capital cost, queues.
/// </summary>
public sealed record HubSpec(
    string Id, string Region, double Lat, double Lon, bool East,
    int Servers, double TokensPerSecondPerServer, double IdleMWPerServer, double FullMWPerServer,
    double Pue = 1.25, double ElectricityUsdPerMWh = 70, double CapitalUsdPerServerHour = 10,
    int QueueLimit = 10_000);

/// <summary>A subsea or cross-border cable between a foreign side and a Chinese landing.</summary>
public sealed record CableSpec(string Id, double LengthKm, double RouteFactor = 1.35, double CapacityTbps = 10);

/// <summary>One way from a user region to a hub: over a cable (or none for domestic paths) plus terrestrial
/// latency. <paramref name="CableKm"/> is the length travelled on the cable (default: the cable's length).</summary>
public sealed record RouteSpec(string Hub, string? Cable, double TerrestrialMs, double? CableKm = null);

/// <summary>
/// A population of users. Requests are modelled as bundles of <paramref name="RequestsPerBundle"/> requests
/// that arrive as a Poisson process with rate <c>BundlesPerSecond × diurnal(local hour) × spikes</c>.
/// </summary>
public sealed record UserRegionSpec(
    string Id, double UtcOffsetHours, double BundlesPerSecond, double RequestsPerBundle,
    double RealTimeShare, double MeanTokensPerRequest, double PrefillShare, double SloTtftMs,
    IReadOnlyList<RouteSpec> Routes, double[]? Diurnal = null, bool ExponentialTokens = true)
{
    /// <summary>Where the users are (for maps only; optional).</summary>
    public double? Lat { get; init; }
    public double? Lon { get; init; }
}

/// <summary>A scripted fault or spike on the timeline. Times are µs of simulated time.</summary>
public sealed record FaultSpec(string Kind, string Target, long StartMicros, long DurationMicros, double Fraction = 1.0, double Multiplier = 1.0, long RampMicros = 0);

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
    double NetworkUsdPerMillionTokens = 0.001,
    long HubStatusPeriodMicros = 10_000_000,   // hubs publish their status every 10 s
    double FiberMicrosPerKm = 4.9);
