using GridActors.Model.SupplyChain;
using GridActors.Scenarios;

namespace GridActors.Scenarios.Tests;

/// <summary>Fault rules (one validator for files, <c>run --outage</c> and <c>inject</c>) and the bounds of every quantity.</summary>
public class ValidationSpecs
{
    private static string SmallText => File.ReadAllText(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", "small.yaml"));

    private static ScenarioError Single(string text) =>
        Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", text)).Errors);

    private static string WithFault(string fault) => SmallText.Replace("faults: []", "faults:\n  - " + fault);

    /// <summary>Line (1-based) and column of the '^' in <paramref name="needle"/>, found in <paramref name="text"/> without it.</summary>
    private static (int Line, int Column) Where(string text, string needle)
    {
        int at = text.IndexOf(needle.Replace("^", ""), StringComparison.Ordinal) + needle.IndexOf('^');
        int line = text[..at].Count(c => c == '\n') + 1;
        return (line, at - text.LastIndexOf('\n', at - 1));
    }

    public static TheoryData<string, string, string> FaultCases => new()
    {
        // fault in the file, the field it is located at, the message (the same for --outage and inject)
        { "{kind: plant-outage, target: ningxia-coal, start: 1 h, fraction: 0}", "fraction: ^0", "'fraction' must be within (0, 1], got 0" },
        { "{kind: hub-failure, target: yrd, start: 1 h, fraction: 120 %}", "fraction: ^120 %", "'fraction' must be within (0, 1], got 1.2" },
        { "{kind: demand-spike, target: all, start: 1 h}", "^{kind: demand-spike, target: all, start: 1 h}", "a demand-spike needs a 'multiplier' other than 1 (e.g. 3)" },
        { "{kind: demand-spike, target: all, start: 1 h, multiplier: 1}", "multiplier: ^1}", "a demand-spike needs a 'multiplier' other than 1 (e.g. 3)" },
        { "{kind: demand-spike, target: all, start: 1 h, multiplier: 1000}", "multiplier: ^1000", "'multiplier' must be within (0, 100], got 1000" },
        { "{kind: cable-cut, target: apg, start: 1 h, duration: -2 h}", "duration: ^-2 h", "'duration' must not be negative" },
        { "{kind: cable-cut, target: apg, start: 7 h}", "start: ^7 h", "fault starts at 7 h, outside the horizon of 6 h" },
        { "{kind: hub-failure, target: atlantis, start: 1 h}", "target: ^atlantis", "hub-failure: no hub named 'atlantis' in scenario small (known: zhongwei, yrd)" },
        { "{kind: meteor, target: apg, start: 1 h}", "kind: ^meteor", "unknown fault kind 'meteor' (expected plant-outage, link-trip, cable-cut, hub-failure, demand-spike, landing-station-failure, segment-cut)" },
    };

    [Theory]
    [MemberData(nameof(FaultCases))]
    public void A_fault_breaking_a_rule_is_refused_with_the_same_message_in_a_file_and_on_the_command_line(string fault, string at, string message)
    {
        var text = WithFault(fault);
        var e = Single(text);
        Assert.Equal(message, e.Message);
        Assert.Equal(Where(text, at), (e.Line, e.Column));
        // run --outage and inject build the fault from their flags and ask the same validator.
        var spec = ScenarioLoader.Load("s.yaml", SmallText).Spec;
        var parsed = ParseFault(fault);
        Assert.Equal(message, FaultRules.For(spec, 6 * 3_600_000_000L).FirstProblem(parsed));
    }

    [Fact]
    public void The_fault_rules_name_exactly_the_keys_the_schema_declares_for_faults()
    {
        var fields = typeof(FaultFields).GetFields().Select(f => (string)f.GetValue(null)!).Order();
        Assert.Equal(fields, ScenarioSchema.Fault.Parameters.Select(p => p.Key).Order());
    }

    [Fact]
    public void Faults_within_the_rules_pass_everywhere()
    {
        var text = WithFault("{kind: demand-spike, target: all, start: 1 h, multiplier: 0.5, ramp: 10 min}");
        var f = ScenarioLoader.Load("s.yaml", text).Spec.Faults.Single();
        Assert.Null(FaultRules.For(ScenarioLoader.Load("s.yaml", SmallText).Spec, 6 * 3_600_000_000L).FirstProblem(f));
        Assert.Null(FaultRules.For(ScenarioLoader.Load("s.yaml", SmallText).Spec, 6 * 3_600_000_000L).FirstProblem(new FaultSpec("hub-failure", "yrd", 0, 0, Fraction: 1e-9)));
    }

    /// <summary>The fault of a one-line YAML mapping, read the way the loader reads it (without its rules).</summary>
    private static FaultSpec ParseFault(string flow)
    {
        var fields = flow.Trim('{', '}').Split(", ").Select(kv => kv.Split(": ")).ToDictionary(kv => kv[0], kv => kv[1]);
        long Micros(string key) => fields.TryGetValue(key, out var t) && Quantity.TryParseDuration(t, out var d, out _) ? d.Micros : 0;
        double Number(string key, double otherwise) => fields.TryGetValue(key, out var t) ? Quantity.Parse(t, Dimension.Fraction) : otherwise;
        return new FaultSpec(fields["kind"], fields["target"], Micros("start"), Micros("duration"),
            Number("fraction", FaultRules.DefaultFraction), Number("multiplier", FaultRules.DefaultMultiplier), Micros("ramp"));
    }

    public static TheoryData<string, string, string> Extremes => new()
    {
        { "capacity: 2 GW", "capacity: 1e308 GW", "'capacity': '1e308 GW' is too large a power" },
        { "capacity: 2 GW", "capacity: 2000 TW", "'capacity' must be at most 1000000 MW, got '2000 TW'" },
        { "capacity: 1.2 GW, length: 1720 km", "capacity: 1.2 GW, length: 41000 km", "'length' must be at most 40000 km, got '41000 km'" },
        { "pue: 1.2", "pue: 4", "'pue' must be at most 3, got '4'" },
        { "pue: 1.2", "pue: 0.9", "'pue' must be at least 1, got '0.9'" },
        { "horizon: 6 h", "horizon: 3651 d", "'horizon' must be at most 3650 d, got '3651 d'" },
        { "horizon: 6 h", "horizon: 1e300 h", "'horizon': '1e300 h' is longer than 100000 d" },
        { "servers: 40, tokens_per_second_per_server: 20000,\n     idle_power_per_server: 0.5 MW, full_power_per_server: 1.2 MW, pue: 1.2",
          "servers: 3e9, tokens_per_second_per_server: 20000,\n     idle_power_per_server: 0.5 MW, full_power_per_server: 1.2 MW, pue: 1.2",
          "'servers' must be a whole number within [0, 10000000], got '3e9'" },
        { "bundles_per_second: 4", "bundles_per_second: 1e9", "'bundles_per_second' must be at most 1000000 1/s, got '1e9'" },
        { "marginal_cost: 40", "marginal_cost: 1e6", "'marginal_cost' must be at most 100000 USD/MWh, got '1e6'" },
        { "fiber_us_per_km: 4.9", "fiber_us_per_km: 1", "'fiber_us_per_km' must be at least 3.3 µs/km, got '1'" },
        { "seed: 1", "seed: -1", "'seed' must be a non-negative whole number below 2^64, got '-1'" },
        { "full_power_per_server: 1.2 MW, pue: 1.2", "full_power_per_server: 0.4 MW, pue: 1.2", "'idle_power_per_server' must not exceed 'full_power_per_server'" },
        { "requests_per_bundle: 100\n    slo_ttft: 2000 ms\n    routes: [{hub: yrd, cable: apg", "requests_per_bundle: 1e6\n    slo_ttft: 2000 ms\n    routes: [{hub: yrd, cable: apg",
          "hub 'zhongwei' could hold (10000 queued + 40 in service) × 1000000 requests per bundle, more than the 2,147,483,647 requests a hub can count: lower queue_limit, servers or requests_per_bundle" },
    };

    [Theory]
    [MemberData(nameof(Extremes))]
    public void Quantities_beyond_their_physical_bounds_are_located_errors(string from, string to, string message)
    {
        Assert.Contains(from, SmallText);
        var text = SmallText.Replace(from, to);
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", text)).Errors[0];
        Assert.Equal(message, e.Message);
        Assert.Matches(@"^s\.yaml:\d+:\d+: ", e.ToString());
        Assert.True(e.Line > 1 && e.Column >= 1, e.ToString());
    }

    public static TheoryData<string, string, string, string> GridCases
    {
        get
        {
            const string solar = "capacity_factor: 0.18}", zhejiangCoal = "carbon: 820, ramp_per_minute: 60 MW}", link = "loss_per_1000km: 3 %}";
            string halves = string.Join(", ", Enumerable.Repeat("0.5", 23));
            return new()
            {
                // replaced, by, located at (^ in the new text), message
                { solar, "capacity_factor: 0.18, min_stable: 40 %}", "min_stable: ^40 %", "'min_stable' applies to coal, gas and nuclear plants" },
                { solar, "capacity_factor: 0.18, daily_energy: 5 GWh}", "daily_energy: ^5 GWh", "'daily_energy' needs a hydro plant with 'hydro_mode: reservoir'" },
                { zhejiangCoal, "carbon: 820, ramp_per_minute: 60 MW, hydro_mode: reservoir}", "hydro_mode: ^reservoir", "'hydro_mode' applies to hydro plants" },
                { zhejiangCoal, "carbon: 820, ramp_per_minute: 60 MW, export_link: lingzhou-shaoxing}", "export_link: ^lingzhou-shaoxing",
                  "'export_link' 'lingzhou-shaoxing' leaves region 'ningxia', not the plant's region 'zhejiang'" },
                { zhejiangCoal, "carbon: 820, ramp_per_minute: 60 MW, export_link: lingzhou-shaoxin}", "export_link: ^lingzhou-shaoxin}",
                  "'export_link' refers to unknown UHV link 'lingzhou-shaoxin'; did you mean 'lingzhou-shaoxing'?" },
                { zhejiangCoal, "carbon: 820, ramp_per_minute: 60 MW, must_run_by_month: [1, 1]}", "must_run_by_month: ^[1, 1]",
                  "'must_run_by_month' must be a list of 12 monthly multipliers" },
                { solar, "capacity_factor: 0.18}\n  - {id: dam, region: ningxia, type: hydro, capacity: 1 GW, hydro_mode: reservoir, daily_energy: 30 GWh}",
                  "daily_energy: ^30 GWh", "'daily_energy' (30000 MWh) is more than the plant's capacity can release in 24 h (24000 MWh)" },
                { link, $"loss_per_1000km: 3 %, schedule: [1.2, {halves}]}}", "schedule: [^1.2", "'schedule' entry 0 must be a number within [0, 1]" },
                { link, "loss_per_1000km: 3 %, schedule: [0.5, 0.5]}", "schedule: ^[0.5", "'schedule' must be a list of 24 hourly fractions of the capacity" },
                { link, "loss_per_1000km: 3 %, deviation: 150 %}", "deviation: ^150 %", "'deviation' must be at most 1, got '150 %'" },
                { "hubs:\n", "storage:\n  - {id: b, region: ningxia, type: battery, power: 100 MW, energy: 400 MWh, efficiency: 0}\nhubs:\n",
                  "efficiency: ^0}", "'efficiency' must be positive, got '0'" },
                { "hubs:\n", "storage:\n  - {id: b, region: ningxia, type: flywheel, power: 100 MW, energy: 400 MWh}\nhubs:\n",
                  "type: ^flywheel", "'type' must be pumped-hydro or battery, got 'flywheel'" },
                { "hubs:\n", "storage:\n  - {id: b, region: nowhere, type: battery, power: 100 MW, energy: 400 MWh}\nhubs:\n",
                  "region: ^nowhere", "'region' refers to unknown region 'nowhere'" },
            };
        }
    }

    [Theory]
    [MemberData(nameof(GridCases))]
    public void Grid_keys_out_of_place_or_out_of_bounds_are_located_errors(string from, string to, string at, string message)
    {
        Assert.Contains(from, SmallText);
        var text = SmallText.Replace(from, to);
        var e = Single(text);
        Assert.Equal(message, e.Message);
        Assert.Equal(Where(text, at), (e.Line, e.Column));
    }

    [Fact]
    public void Grid_keys_in_place_load_into_the_spec()
    {
        var text = SmallText
            .Replace("capacity_factor: 0.23}", "capacity_factor: 0.23, export_link: lingzhou-shaoxing}")
            .Replace("marginal_cost: 40, carbon: 820, ramp_per_minute: 20 MW}",
                "marginal_cost: 40, carbon: 820, ramp_per_minute: 20 MW, ramp_down_per_minute: 10 MW, min_stable: 40 %, must_run: 0.3, " +
                "must_run_by_month: [1.5, 1.5, 1, 1, 1, 0.5, 0.5, 0.5, 1, 1, 1, 1.5], startup_cost: 50}")
            .Replace("hubs:\n", "storage:\n  - {id: psh, region: zhejiang, type: pumped-hydro, power: 1 GW, energy: 6 GWh, efficiency: 78 %}\nhubs:\n");
        var spec = ScenarioLoader.Load("s.yaml", text).Spec;
        var coal = spec.Plants.Single(p => p.Id == "ningxia-coal");
        Assert.Equal((0.4, 0.3, 10.0, 50.0), (coal.MinStable, coal.MustRun, coal.RampDownLimit, coal.StartupCostUsdPerMW));
        Assert.Equal(0.3 * 0.5, coal.MustRunIn(6), 12);
        Assert.Equal(60, spec.Plants.Single(p => p.Id == "zhejiang-coal").RampDownLimit); // absent: the ramp-up limit
        Assert.Equal("lingzhou-shaoxing", spec.Plants.Single(p => p.Id == "ningxia-wind").ExportLink);
        var psh = Assert.Single(spec.Storage);
        Assert.Equal((StorageType.PumpedHydro, 1000.0, 6000.0, 0.78, 0.5), (psh.Type, psh.PowerMW, psh.EnergyMWh, psh.Efficiency, psh.InitialSoc));
        Assert.Null(spec.Links[0].Schedule);
        Assert.Equal(0.1, spec.Links[0].Deviation);
    }

    public static TheoryData<string> Library => [.. Directory.GetFiles(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios"), "*.yaml").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(Library))]
    public void Every_scenario_of_the_library_validates(string file)
    {
        var s = ScenarioLoader.LoadFile(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", file));
        Assert.True(s.Spec.Hubs.Count > 0 && s.HorizonMicros > 0);
    }
}
