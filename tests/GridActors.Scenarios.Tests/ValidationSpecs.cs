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
        { "{kind: meteor, target: apg, start: 1 h}", "kind: ^meteor", "unknown fault kind 'meteor' (expected plant-outage, link-trip, cable-cut, hub-failure, demand-spike)" },
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
          "'servers' must be a whole number within [1, 10000000], got '3e9'" },
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

    public static TheoryData<string> Library => [.. Directory.GetFiles(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios"), "*.yaml").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(Library))]
    public void Every_scenario_of_the_library_validates(string file)
    {
        var s = ScenarioLoader.LoadFile(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", file));
        Assert.True(s.Spec.Hubs.Count > 0 && s.HorizonMicros > 0);
    }
}
