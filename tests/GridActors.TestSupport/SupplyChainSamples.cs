using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Scenarios;

namespace GridActors.TestSupport;

/// <summary>Small supply chains built in code for fast tests. Values not given take the scenario schema's defaults
/// (<see cref="ParameterSet{T}.Defaults"/>), exactly as in a scenario file that leaves the key out.</summary>
public static class SupplyChainSamples
{
    public const long Minute = SimTime.MicrosPerMinute;
    public const long Hour = SimTime.MicrosPerHour;

    public static PlantSpec Plant(string id, string region, PlantType type, double mw, double lat, double lon) =>
        ScenarioSchema.Plant.Defaults with { Id = id, Region = region, Type = type, CapacityMW = mw, Lat = lat, Lon = lon };

    public static RegionSpec Region(string id, double backgroundLoadMW = 0) => ScenarioSchema.Region.Defaults with { Id = id, BackgroundLoadMW = backgroundLoadMW };

    public static LinkSpec Link(string id, string from, string to, double mw, double km) =>
        ScenarioSchema.Link.Defaults with { Id = id, From = from, To = to, CapacityMW = mw, LengthKm = km };

    public static HubSpec Hub(string id, string region, double lat, double lon, bool east, int servers, double tokensPerSecond, double idleMW, double fullMW) =>
        ScenarioSchema.Hub.Defaults with
        {
            Id = id, Region = region, Lat = lat, Lon = lon, East = east, Servers = servers,
            TokensPerSecondPerServer = tokensPerSecond, IdleMWPerServer = idleMW, FullMWPerServer = fullMW,
        };

    public static CableSpec Cable(string id, double km) => ScenarioSchema.Cable.Defaults with { Id = id, LengthKm = km };

    public static StorageSpec Storage(string id, string region, StorageType type, double mw, double mwh) =>
        ScenarioSchema.Storage.Defaults with { Id = id, Region = region, Type = type, PowerMW = mw, EnergyMWh = mwh };

    public static RouteSpec Route(string hub, string? cable, double terrestrialMs) =>
        ScenarioSchema.Route.Defaults with { Hub = hub, Cable = cable, TerrestrialMs = terrestrialMs };

    public static UserRegionSpec Users(string id, double utcOffset, double bundlesPerSecond, params RouteSpec[] routes) =>
        ScenarioSchema.User.Defaults with { Id = id, UtcOffsetHours = utcOffset, BundlesPerSecond = bundlesPerSecond, Routes = routes };

    /// <summary>A topology with nothing in it and every run-level setting at its default.</summary>
    public static SupplyChainSpec Empty(string name) => ScenarioSchema.Root.Defaults.Spec with { Name = name };

    /// <summary>Two regions (west with solar, wind, coal; east with coal and nuclear) joined by one UHV link,
    /// a hub in each, two cables, three user regions: scenarios/small.yaml built in code.</summary>
    public static SupplyChainSpec Small(IRoutingPolicy? policy = null, params FaultSpec[] faults) => Empty("small") with
    {
        Plants =
        [
            Plant("ningxia-solar", "ningxia", PlantType.Solar, 2000, 37.5, 105.7) with { CapacityFactor = 0.18 },
            Plant("ningxia-wind", "ningxia", PlantType.Wind, 1500, 37.5, 105.7) with { CapacityFactor = 0.23 },
            Plant("ningxia-coal", "ningxia", PlantType.Coal, 1000, 38.1, 106.4) with { MarginalCostUsdPerMWh = 40, CarbonKgPerMWh = 820, RampMWPerMinute = 20 },
            Plant("zhejiang-coal", "zhejiang", PlantType.Coal, 3000, 30.0, 120.6) with { MarginalCostUsdPerMWh = 55, CarbonKgPerMWh = 820, RampMWPerMinute = 60 },
            Plant("zhejiang-nuclear", "zhejiang", PlantType.Nuclear, 1000, 30.4, 120.9) with { MarginalCostUsdPerMWh = 10, RampMWPerMinute = 2 },
        ],
        Regions = [Region("ningxia", 800), Region("zhejiang", 3500)],
        Links = [Link("lingzhou-shaoxing", "ningxia", "zhejiang", 1200, 1720) with { LossPer1000Km = 0.03 }],
        Hubs =
        [
            Hub("zhongwei", "ningxia", 37.5, 105.2, east: false, 40, 20_000, 0.5, 1.2) with { Pue = 1.2, ElectricityUsdPerMWh = 50, CapitalUsdPerServerHour = 30 },
            Hub("yrd", "zhejiang", 31.1, 120.9, east: true, 40, 20_000, 0.5, 1.2) with { Pue = 1.25, ElectricityUsdPerMWh = 90, CapitalUsdPerServerHour = 30 },
        ],
        Cables = [Cable("apg", 10400), Cable("ncp", 13000)],
        Users =
        [
            Users("cn_east", 8, 4, Route("yrd", null, 2), Route("zhongwei", null, 18)) with { RequestsPerBundle = 100, SloTtftMs = 2000 },
            Users("ne_asia", 9, 2, Route("yrd", "apg", 1), Route("zhongwei", "apg", 18)) with { RequestsPerBundle = 100, SloTtftMs = 2000 },
            Users("north_america", -6, 3, Route("yrd", "ncp", 1), Route("zhongwei", "ncp", 18), Route("zhongwei", "apg", 60)) with { RequestsPerBundle = 100, SloTtftMs = 2000 },
        ],
        Faults = faults,
        Policy = policy ?? RoutingPolicies.LatencyFirst,
    };

    /// <summary>Hourly transfer schedule of the small scenario's link with grid physics (local time of Ningxia): 60 % at
    /// night, 40 % around noon, 90 % in the evening peak.</summary>
    public static readonly double[] SmallLinkSchedule =
        [0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.5, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.7, 0.6];

    /// <summary>The small scenario with every grid-physics feature on: must-run with a monthly factor, minimum stable
    /// output, ramp-down limits and start-up costs on the coal plants, nuclear as must-run baseload, the wind plant as a
    /// dedicated export base of a scheduled link, a reservoir hydro plant, a battery in the west and pumped hydro in the east.</summary>
    public static SupplyChainSpec SmallWithGridPhysics(params FaultSpec[] faults)
    {
        var small = Small(RoutingPolicies.LatencyFirst, faults);
        return small with
        {
            Plants =
            [
                small.Plants[0],
                small.Plants[1] with { ExportLink = "lingzhou-shaoxing" },
                small.Plants[2] with
                {
                    MinStable = 0.4, MustRun = 0.3, MustRunByMonth = [1.5, 1.5, 1.2, 1, 1, 0.5, 0.5, 0.5, 1, 1, 1.2, 1.5],
                    RampDownMWPerMinute = 10, StartupCostUsdPerMW = 50,
                },
                small.Plants[3] with { MinStable = 0.35, StartupCostUsdPerMW = 30 },
                small.Plants[4] with { MustRun = 1 },
                Plant("ningxia-reservoir", "ningxia", PlantType.Hydro, 600, 37.0, 105.0) with
                {
                    HydroMode = HydroMode.Reservoir, CapacityFactor = 0.4, MarginalCostUsdPerMWh = 5,
                },
            ],
            Links = [small.Links[0] with { Schedule = SmallLinkSchedule, Deviation = 0.15 }],
            Storage =
            [
                Storage("ningxia-battery", "ningxia", StorageType.Battery, 300, 1200) with { Efficiency = 0.85 },
                Storage("zhejiang-psh", "zhejiang", StorageType.PumpedHydro, 500, 3000) with { Efficiency = 0.78, InitialSoc = 0.3 },
            ],
        };
    }

    /// <summary>One hub with plenty of power and one user region sending Poisson arrivals with exponential
    /// service demands straight to it: an M/M/c queue.</summary>
    public static SupplyChainSpec MMc(int servers, double lambdaPerSecond, double meanServiceSeconds) => Empty("mmc") with
    {
        Plants = [Plant("hydro", "r", PlantType.Hydro, 10_000, 30, 105) with { CapacityFactor = 1.0 }],
        Regions = [Region("r")],
        Hubs = [Hub("h", "r", 30, 105, east: true, servers, 1000, 0.1, 0.2) with { QueueLimit = 1_000_000 }],
        Users =
        [
            Users("u", 8, lambdaPerSecond, Route("h", null, 1)) with
            {
                RequestsPerBundle = 1, RealTimeShare = 1.0, MeanTokensPerRequest = meanServiceSeconds * 1000, PrefillShare = 0.0, SloTtftMs = 1e9,
            },
        ],
    };

    public static RunSettings Settings(long horizonMicros, ulong seed = 1) => new(seed, new SimTime(horizonMicros));
}
