using System.Collections;
using System.Reflection;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Scenarios;
using GridActors.TestSupport;
using YamlDotNet.RepresentationModel;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Scenarios.Tests;

/// <summary>The schema is the one declaration of every key: the writer and the loader go through it and agree.</summary>
public class SchemaSpecs
{
    private static string ScenarioFile(string name) => Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", name);

    /// <summary>The small scenario with every optional key set and awkward values (binary fractions, µs, day 366).</summary>
    /// <summary>The shipped synthetic trace, by absolute path (a spec written to any folder finds it).</summary>
    private static string ShippedTrace => Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", "traces", "synthetic-conversation.csv");

    public static SupplyChainSpec Everything()
    {
        var s = Small(RoutingPolicies.GreenAware,
            new FaultSpec("plant-outage", "ningxia-coal", 31_320_000_000 / 10, 1_234_567, Fraction: 0.37),
            new FaultSpec("link-trip", "lingzhou-shaoxing", 20 * Minute, 0),
            new FaultSpec("cable-cut", "apg", 7, 90 * Minute + 1),
            new FaultSpec("hub-failure", "yrd", 1 * Hour, 15 * Minute, Fraction: 0.1 + 0.2),
            new FaultSpec("demand-spike", "all", 10 * Minute, 2 * Hour, Multiplier: 2.5, RampMicros: 1_234_567),
            new FaultSpec("demand-spike", "ne_asia", 0, 0, Multiplier: 0.75),
            new FaultSpec("landing-station-failure", "lingang", 25 * Minute, 0),
            new FaultSpec("segment-cut", "shanghai_backhaul", 2 * Hour, 30 * Minute));
        var profile = Enumerable.Range(0, 24).Select(h => 0.7 + h * 0.0123456789).ToArray();
        return s with
        {
            Name = "every key",
            StartDayOfYear = 366,
            DispatchIntervalMicros = 3 * Minute,
            NetworkUsdPerMillionTokens = 0.1 + 0.2,
            HubStatusPeriodMicros = 7_500_000,
            FiberMicrosPerKm = 5.1,
            HubPricing = HubPricing.Locational,
            Weather = new WeatherSpec(WindCorrelationKm: 432.1, SolarCorrelationKm: 0.1 + 0.2 + 100, PlantNoise: 0.1 + 0.2),
            Regions = [s.Regions[0] with { LoadProfile = profile, UtcOffsetHours = 7.5 }, s.Regions[1]],
            Plants =
            [
                s.Plants[0], s.Plants[1] with { ExportLink = "lingzhou-shaoxing" },
                s.Plants[2] with
                {
                    ForcedOutagesPerYear = 1.5, OutageHours = 36.6, MinStable = 0.35, MustRun = 0.1 + 0.2,
                    MustRunByMonth = [1.5, 1.5, 1.25, 1, 1, 0.5, 0.5, 0.5, 1, 1, 1.25, 1.5], RampDownMWPerMinute = 12.5, StartupCostUsdPerMW = 42.5,
                },
                s.Plants[3], s.Plants[4] with { MustRun = 1 },
                Plant("ningxia-dam", "ningxia", PlantType.Hydro, 700, 37, 105) with { HydroMode = HydroMode.Reservoir, DailyEnergyMWh = 5432.1 },
            ],
            Links = [s.Links[0] with { Schedule = profile.Select(v => v / 2).ToArray(), Deviation = 0.15 }],
            Storage =
            [
                Storage("ningxia-battery", "ningxia", StorageType.Battery, 300, 1200) with { Efficiency = 0.87, InitialSoc = 0.25, Lat = 37.4, Lon = 105.9 },
                Storage("zhejiang-psh", "zhejiang", StorageType.PumpedHydro, 1000, 6000),
            ],
            Accelerators =
            [
                new("h800-pd")
                {
                    IdleW = 100, PrefillW = 630, DecodeBatch1W = 300, DecodeFullW = 600, HbmGB = 80, RentalUsdPerHour = 2, PerReplica = 248, PrefillPerReplica = 104,
                    MaxBatch = 12_690, StepBaseMicros = 12_000, StepPerPrefillTokenMicros = 2.39, StepPerDecodeSequenceMicros = 2.8, PrefillChunkTokens = 16_384,
                    WeightsGB = 3_300, KvBytesPerToken = 70_272, NodeOverheadW = 0.1 + 0.2,
                },
                new("h20") { IdleW = 57, PrefillW = 360, DecodeBatch1W = 171, DecodeFullW = 343, HbmGB = 96, RentalUsdPerHour = 0.384, PerReplica = 16, StepBaseMicros = 12_000, StepPerPrefillTokenMicros = 30.3, StepPerDecodeSequenceMicros = 65.6, WeightsGB = 1_119, KvBytesPerToken = 70_272 },
            ],
            Hubs =
            [
                s.Hubs[0] with { Pue = 1.234567, QueueLimit = 777, Pricing = HubPricing.Tariff, Overseas = true },
                s.Hubs[1] with { Accelerator = "h800-pd", Replicas = 7, SimulatedReplicas = 3, MaxWaitMicros = 12_345_000, Dispatch = ReplicaDispatch.Spread, ParkAfterMicros = 7_500_000, Servers = 0, TokensPerSecondPerServer = 0, IdleMWPerServer = 0, FullMWPerServer = 0 },
            ],
            Cables =
            [
                s.Cables[0] with { RouteFactor = 1.4, CapacityTbps = 12.5, BackgroundShare = 0.1 + 0.2, Group = "asia pacific", RepairMicros = 21 * 24 * Hour + 7 },
                s.Cables[1] with { Group = "asia pacific" },
            ],
            LandingStations = [new LandingStationSpec("lingang", 30.9, 121.9, 3 * 24 * Hour), new LandingStationSpec("nanhui", null, null, 0)],
            Segments = [new SegmentSpec("shanghai_backhaul", 123.4, 12 * Hour + 1)],
            Network = new NetworkSpec(BytesPerToken: 150.5, ConvergenceMicros: 90_000_001, BackgroundProfile: profile, BackgroundReroute: 0.1 + 0.6,
                QueueingMicros: 1_500, MaxQueueingMicros: 250_000),
            Users =
            [
                s.Users[0] with
                {
                    Diurnal = profile, ExponentialTokens = false, SloTtftMs = 123.456, Lat = 31.2, Lon = 121.5, CohortSize = 64,
                    Classes =
                    [
                        new("chat") { Share = 0.6, PromptMedian = 1020, PromptP90 = 2734, OutputMedian = 129, OutputP90 = 424, CacheHit = 0.563, SloTtftMs = 1500, SloTpotMs = 50 },
                        new("reasoning") { Share = 0.1 + 0.2, PromptMedian = 1020, PromptP90 = 2734, OutputMedian = 5000, OutputP90 = 14_605 },
                        new("batch") { Share = 0.1, PromptMedian = 1469, PromptP90 = 5188, OutputMedian = 13, OutputP90 = 55, RealTime = false, DeadlineMicros = 5 * Hour },
                    ],
                },
                s.Users[1] with
                {
                    Routes = [s.Users[1].Routes[0] with { CableKm = 9876.5, TerrestrialMs = 2.3456, Via = ["lingang", "shanghai_backhaul"] }, s.Users[1].Routes[1] with { Via = ["nanhui"] }],
                    TracePath = ShippedTrace, TraceRows = TraceFile.Load(ShippedTrace).Rows, TraceReplay = true, TraceCacheHit = 0.25,
                    PriceInputUsdPerM = 0.55, PriceCachedInputUsdPerM = 0.14, PriceOutputUsdPerM = 2.19,
                },
                s.Users[2] with { Classes = [new("chat") { Share = 1, PromptMedian = 800, PromptP90 = 2000, OutputMedian = 200, OutputP90 = 600 }], BatchDeadlineMicros = 6 * Hour },
            ],
            Batch = new BatchSchedulerSpec(BatchPolicy.PriceAware, BatchShift.Time, 20 * Hour, 90 * 60_000_000L, 2 * 60_000_000L),
            DemandUntilMicros = 45 * 60_000_000L,
            Calibration =
            [
                new CalibrationTarget("curtailed", "curtailment_share", "ningxia", null, null, PlantType.Solar, 0.1 + 0.2, null, "[K39] Ningxia, H1 2025"),
                new CalibrationTarget("flow", "link_mean_flow_mw", null, "lingzhou-shaoxing", null, null, 1234.5678, 1e4, "ESTIMATE"),
                new CalibrationTarget("yrd.not-throttled", "hub_throttled_hours", null, null, "yrd", null, null, 0, "ESTIMATE: \"none\""),
                new CalibrationTarget("abroad", "tokens_per_day", null, null, null, null, 4e11, 5.4e12, "ESTIMATE", Users: Calibration.Foreign),
            ],
        };
    }

    private static string Write(SupplyChainSpec spec, long horizon, ulong seed)
    {
        var w = new StringWriter();
        ScenarioWriter.Write(spec, horizon, seed, w, "test");
        return w.ToString();
    }

    public static TheoryData<string> Specs => new() { "small.yaml", "china-token-supply-chain.yaml", "cable-cuts-asian-evening-peak.yaml", "x3", "everything" };

    private static (SupplyChainSpec Spec, long Horizon, ulong Seed) Named(string name) => name switch
    {
        "x3" => (ScenarioWriter.Scale(ScenarioLoader.LoadFile(ScenarioFile("small.yaml")).Spec, 3), 2 * Hour, 5),
        "everything" => (Everything(), 8 * Hour + 1, ulong.MaxValue),
        _ => ScenarioLoader.LoadFile(ScenarioFile(name)) is var s ? (s.Spec, s.HorizonMicros, s.Seed) : default,
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Writing_a_spec_and_loading_it_back_gives_an_equal_spec_and_the_same_digest(string name)
    {
        var (spec, horizon, seed) = Named(name);
        var again = ScenarioLoader.Load("written.yaml", Write(spec, horizon, seed));
        AssertDeepEqual(spec, again.Spec, "spec");
        Assert.Equal(horizon, again.HorizonMicros);
        Assert.Equal(seed, again.Seed);
        Assert.Equal(Write(spec, horizon, seed), Write(again.Spec, again.HorizonMicros, again.Seed));
        var settings = new RunSettings(seed, new SimTime(20 * Minute));
        Assert.Equal(new SequentialExecutor().Run(new SupplyChainModel(spec), settings).Digest,
            new SequentialExecutor().Run(new SupplyChainModel(again.Spec), settings).Digest);
    }

    [Fact]
    public void Every_declared_key_is_written_and_every_written_key_is_declared()
    {
        var root = (YamlMappingNode)Parse(Write(Everything(), Hour, 1));
        var written = new Dictionary<string, HashSet<string>>();
        void Collect(string path, YamlMappingNode map)
        {
            if (!written.TryGetValue(path, out var keys)) written[path] = keys = [];
            foreach (var (k, v) in map.Children)
            {
                var key = ((YamlScalarNode)k).Value!;
                keys.Add(key);
                var sub = path.Length == 0 ? key : path + "." + key;
                if (v is YamlMappingNode m) Collect(sub, m);
                if (v is YamlSequenceNode seq)
                    foreach (var item in seq.Children.OfType<YamlMappingNode>()) Collect(sub, item);
            }
        }
        Collect("", root);
        var declared = ScenarioSchema.Sets().ToDictionary(x => x.Path, x => x.Set.Parameters.Select(p => p.Key).ToHashSet());
        Assert.Equal(declared.Keys.Order(), written.Keys.Order());
        foreach (var (path, keys) in declared) Assert.True(keys.SetEquals(written[path]),
            $"{(path.Length == 0 ? "top level" : path)}: declared, not written: {string.Join(", ", keys.Except(written[path]))}; written, not declared: {string.Join(", ", written[path].Except(keys))}");
    }

    [Fact]
    public void Specs_have_no_defaults_of_their_own_and_the_schema_defaults_are_what_a_file_without_the_key_gets()
    {
        foreach (var type in new[] { typeof(PlantSpec), typeof(RegionSpec), typeof(LinkSpec), typeof(HubSpec), typeof(CableSpec), typeof(RouteSpec), typeof(UserRegionSpec), typeof(WeatherSpec), typeof(StorageSpec), typeof(SupplyChainSpec) })
            Assert.All(type.GetConstructors().SelectMany(c => c.GetParameters()), p => Assert.False(p.HasDefaultValue, $"{type.Name}.{p.Name} has a default of its own"));
        // Faults take theirs from FaultRules, and so does the schema.
        var fault = typeof(FaultSpec).GetConstructors().Single().GetParameters().Where(p => p.HasDefaultValue).ToDictionary(p => p.Name!, p => p.DefaultValue);
        Assert.Equal(FaultRules.DefaultFraction, fault["Fraction"]);
        Assert.Equal(FaultRules.DefaultMultiplier, fault["Multiplier"]);
        Assert.Equal(ScenarioSchema.Fault.Defaults with { Kind = "cable-cut", Target = "x" }, new FaultSpec("cable-cut", "x", 0, 0));

        const string minimal = """
            regions:
              - {id: r}
            plants:
              - {id: p, region: r, type: coal, capacity: 1 GW}
            links:
              - {id: l, from: r, to: r, capacity: 1 GW, length: 100 km}
            hubs:
              - {id: h, region: r, servers: 4, tokens_per_second_per_server: 1000, full_power_per_server: 1 MW}
            cables:
              - {id: c, length: 100 km}
            users:
              - {id: u, bundles_per_second: 1, routes: [{hub: h}]}
            """;
        var loaded = ScenarioLoader.Load("minimal.yaml", minimal);
        var fromDefaults = ScenarioSchema.Root.Defaults.Spec with
        {
            Regions = [ScenarioSchema.Region.Defaults with { Id = "r" }],
            Plants = [ScenarioSchema.Plant.Defaults with { Id = "p", Region = "r", Type = PlantType.Coal, CapacityMW = 1000 }],
            Links = [ScenarioSchema.Link.Defaults with { Id = "l", From = "r", To = "r", CapacityMW = 1000, LengthKm = 100 }],
            Hubs = [ScenarioSchema.Hub.Defaults with { Id = "h", Region = "r", Servers = 4, TokensPerSecondPerServer = 1000, FullMWPerServer = 1 }],
            Cables = [ScenarioSchema.Cable.Defaults with { Id = "c", LengthKm = 100 }],
            Users = [ScenarioSchema.User.Defaults with { Id = "u", BundlesPerSecond = 1, Routes = [ScenarioSchema.Route.Defaults with { Hub = "h" }] }],
        };
        AssertDeepEqual(fromDefaults, loaded.Spec, "spec");
        Assert.Equal(24 * Hour, loaded.HorizonMicros);
        Assert.Equal(1UL, loaded.Seed);
        Assert.Equal(0, loaded.Spec.Hubs[0].CapitalUsdPerServerHour); // the file default (HubSpec used to say 10)
        Assert.Equal(172, loaded.Spec.StartDayOfYear);
    }

    [Fact]
    public void A_duration_is_converted_to_microseconds_the_same_way_in_files_and_in_flags()
    {
        var text = File.ReadAllText(ScenarioFile("small.yaml")).Replace("horizon: 6 h", "horizon: 8.7 h");
        Assert.Equal(31_320_000_000, ScenarioLoader.Load("s.yaml", text).HorizonMicros);
        // What run --until, --checkpoint-every, inject --at/--duration and inspect --at parse with.
        Assert.True(Quantity.TryParseDuration("8.7h", out var flag, out _));
        Assert.Equal(31_320_000_000, flag.Micros);
        Assert.Equal(31_320_000_000, SimTime.FromHours(8.7).Micros);
        var withFault = text.Replace("faults: []", "faults:\n  - {kind: cable-cut, target: apg, start: 8.1 h, duration: 0.3 h}");
        var f = ScenarioLoader.Load("s.yaml", withFault).Spec.Faults.Single();
        Assert.Equal((29_160_000_000, 1_080_000_000), (f.StartMicros, f.DurationMicros));
    }

    [Fact]
    public void Routing_policies_are_read_by_name_from_the_registry()
    {
        var small = File.ReadAllText(ScenarioFile("small.yaml"));
        foreach (var policy in RoutingPolicies.All)
            Assert.Same(policy, ScenarioLoader.Load("s.yaml", small.Replace("policy: latency-first", "policy: " + policy.Name)).Spec.Policy);
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", small.Replace("policy: latency-first", "policy: cheapest"))).Errors.Single();
        Assert.Equal("'policy' must be latency-first, cost-first or green-aware, got 'cheapest'", e.Message);
    }

    [Fact]
    public void The_readme_documents_every_key_from_the_declarations()
    {
        var readme = File.ReadAllText(Path.Combine(ScenarioLoaderSpecs.Repo(), "README.md"));
        const string begin = "<!-- scenario-keys:begin (generated from ScenarioSchema.Markdown(); SchemaSpecs checks it) -->\n", end = "<!-- scenario-keys:end -->";
        int i = readme.IndexOf(begin, StringComparison.Ordinal), j = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(i >= 0 && j > i, "README.md has no scenario-keys block");
        var expected = ScenarioSchema.Markdown();
        var actual = readme[(i + begin.Length)..j];
        if (actual != expected)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "scenario-keys.md");
            File.WriteAllText(path, expected);
            Assert.Fail($"README.md's scenario keys differ from ScenarioSchema.Markdown(); the expected block is in {path}");
        }
    }

    private static YamlNode Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents[0].RootNode;
    }

    /// <summary>Field by field (lists and arrays element by element, doubles exactly, policies by identity).</summary>
    internal static void AssertDeepEqual(object? a, object? b, string path)
    {
        if (a is null || b is null)
        {
            Assert.True(a is null && b is null, $"{path}: {a ?? "null"} ≠ {b ?? "null"}");
            return;
        }
        if (a is IEnumerable ea && a is not string)
        {
            var la = ea.Cast<object?>().ToList();
            var lb = Assert.IsAssignableFrom<IEnumerable>(b).Cast<object?>().ToList();
            Assert.True(la.Count == lb.Count, $"{path}: {la.Count} ≠ {lb.Count} entries");
            for (int i = 0; i < la.Count; i++) AssertDeepEqual(la[i], lb[i], $"{path}[{i}]");
            return;
        }
        var type = a.GetType();
        Assert.True(type == b.GetType(), $"{path}: {type.Name} ≠ {b.GetType().Name}");
        if (a is string || type.IsPrimitive || type.IsEnum)
        {
            Assert.True(a.Equals(b), $"{path}: {a} ≠ {b}");
            return;
        }
        if (a is IRoutingPolicy)
        {
            Assert.True(ReferenceEquals(a, b), $"{path}: {((IRoutingPolicy)a).Name} ≠ {((IRoutingPolicy)b).Name}");
            return;
        }
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            AssertDeepEqual(p.GetValue(a), p.GetValue(b), $"{path}.{p.Name}");
    }
}
