using GridActors.Kernel;
using GridActors.Model.SupplyChain;

namespace GridActors.TestSupport;

/// <summary>Small supply chains built in code for fast tests.</summary>
public static class SupplyChainSamples
{
    public const long Minute = 60_000_000;
    public const long Hour = 60 * Minute;

    /// <summary>Two regions (west with solar, wind, coal; east with coal and nuclear) joined by one UHV link,
    /// a hub in each, two cables, three user regions.</summary>
    public static SupplyChainSpec Small(IRoutingPolicy? policy = null, params FaultSpec[] faults) => new(
        "small", 5 * Minute, 172,
        Plants:
        [
            new("ningxia-solar", "ningxia", PlantType.Solar, 2000, 37.5, 105.7, CapacityFactor: 0.18),
            new("ningxia-wind", "ningxia", PlantType.Wind, 1500, 37.5, 105.7, CapacityFactor: 0.23),
            new("ningxia-coal", "ningxia", PlantType.Coal, 1000, 38.1, 106.4, MarginalCostUsdPerMWh: 40, CarbonKgPerMWh: 820, RampMWPerMinute: 20),
            new("zhejiang-coal", "zhejiang", PlantType.Coal, 3000, 30.0, 120.6, MarginalCostUsdPerMWh: 55, CarbonKgPerMWh: 820, RampMWPerMinute: 60),
            new("zhejiang-nuclear", "zhejiang", PlantType.Nuclear, 1000, 30.4, 120.9, MarginalCostUsdPerMWh: 10, RampMWPerMinute: 2),
        ],
        Regions:
        [
            new("ningxia", 800),
            new("zhejiang", 3500),
        ],
        Links: [new("lingzhou-shaoxing", "ningxia", "zhejiang", 1200, 1720, 0.03)],
        Hubs:
        [
            new("zhongwei", "ningxia", 37.5, 105.2, East: false, Servers: 40, TokensPerSecondPerServer: 20_000, IdleMWPerServer: 0.5, FullMWPerServer: 1.2, Pue: 1.2, ElectricityUsdPerMWh: 50, CapitalUsdPerServerHour: 30),
            new("yrd", "zhejiang", 31.1, 120.9, East: true, Servers: 40, TokensPerSecondPerServer: 20_000, IdleMWPerServer: 0.5, FullMWPerServer: 1.2, Pue: 1.25, ElectricityUsdPerMWh: 90, CapitalUsdPerServerHour: 30),
        ],
        Cables: [new("apg", 10400), new("ncp", 13000)],
        Users:
        [
            new("cn_east", 8, 4, 100, 0.7, 1000, 0.2, 2000, [new("yrd", null, 2), new("zhongwei", null, 18)]),
            new("ne_asia", 9, 2, 100, 0.7, 1000, 0.2, 2000, [new("yrd", "apg", 1), new("zhongwei", "apg", 18)]),
            new("north_america", -6, 3, 100, 0.7, 1000, 0.2, 2000, [new("yrd", "ncp", 1), new("zhongwei", "ncp", 18), new("zhongwei", "apg", 60)]),
        ],
        Faults: faults,
        Policy: policy ?? RoutingPolicies.LatencyFirst);

    /// <summary>One hub with plenty of power and one user region sending Poisson arrivals with exponential
    /// service demands straight to it: an M/M/c queue.</summary>
    public static SupplyChainSpec MMc(int servers, double lambdaPerSecond, double meanServiceSeconds) => new(
        "mmc", 5 * Minute, 172,
        Plants: [new("hydro", "r", PlantType.Hydro, 10_000, 30, 105, CapacityFactor: 1.0)],
        Regions: [new("r")],
        Links: [],
        Hubs: [new("h", "r", 30, 105, East: true, Servers: servers, TokensPerSecondPerServer: 1000, IdleMWPerServer: 0.1, FullMWPerServer: 0.2, QueueLimit: 1_000_000)],
        Cables: [],
        Users: [new("u", 8, lambdaPerSecond, 1, 1.0, meanServiceSeconds * 1000, 0.0, 1e9, [new("h", null, 1)])],
        Faults: [],
        Policy: RoutingPolicies.LatencyFirst);

    public static RunSettings Settings(long horizonMicros, ulong seed = 1) => new(seed, new SimTime(horizonMicros));
}
