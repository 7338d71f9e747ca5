using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Scenarios;
using GridActors.TestSupport;

namespace GridActors.Scenarios.Tests;

public class ScenarioLoaderSpecs
{
    public static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    private static string SmallText => File.ReadAllText(Path.Combine(Repo(), "scenarios", "small.yaml"));

    private static ScenarioError Single(string text)
    {
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", text));
        return ex.Errors[0];
    }

    [Fact]
    public void The_small_scenario_file_equals_the_small_scenario_built_in_code()
    {
        var s = ScenarioLoader.LoadFile(Path.Combine(Repo(), "scenarios", "small.yaml"));
        var model = new SupplyChainModel(s.Spec);
        var fromCode = new SupplyChainModel(SupplyChainSamples.Small());
        var settings = new RunSettings(s.Seed, new SimTime(2 * SupplyChainSamples.Hour));
        Assert.Equal(new SequentialExecutor().Run(fromCode, settings).Digest, new SequentialExecutor().Run(model, settings).Digest);
        Assert.Equal(6 * SupplyChainSamples.Hour, s.HorizonMicros);
        Assert.Contains("5 plants", s.Counts);
    }

    [Fact]
    public void Malformed_yaml_names_line_and_column()
    {
        var e = Single("name: x\ntime: {horizon: 1 h\nplants: []\n");
        Assert.StartsWith("malformed YAML", e.Message);
        Assert.True(e.Line >= 2);
    }

    [Fact]
    public void Unknown_keys_come_with_a_suggestion()
    {
        var e = Single(SmallText.Replace("background_load: 800 MW", "backgrund_load: 800 MW"));
        Assert.Equal("unknown key 'backgrund_load' in a region; did you mean 'background_load'?", e.Message);
        int line = SmallText.Split('\n').ToList().FindIndex(l => l.Contains("background_load: 800 MW")) + 1;
        Assert.Equal(line, e.Line);
        Assert.Contains($"s.yaml:{line}:", e.ToString());
    }

    [Fact]
    public void Missing_required_fields_are_named()
    {
        var e = Single(SmallText.Replace("  - {id: apg, length: 10400 km}   # [C3]", "  - {id: apg}"));
        Assert.Equal("a cable is missing 'length' (cable length)", e.Message);
    }

    [Fact]
    public void Wrong_units_and_types_are_errors()
    {
        Assert.StartsWith("'capacity': 'km' is not a unit of power", Single(SmallText.Replace("capacity: 2 GW", "capacity: 2 km")).Message);
        Assert.StartsWith("'servers' must be a number, got 'many'", Single(SmallText.Replace("servers: 40, tokens_per_second_per_server: 20000,\n     idle_power_per_server: 0.5 MW, full_power_per_server: 1.2 MW, pue: 1.2", "servers: many, tokens_per_second_per_server: 20000,\n     idle_power_per_server: 0.5 MW, full_power_per_server: 1.2 MW, pue: 1.2")).Message);
    }

    [Fact]
    public void Values_and_keys_of_the_wrong_shape_are_errors_not_crashes()
    {
        Assert.Equal("'start' must be a single value", Single(SmallText.Replace("start: 2026-06-21", "start: [2026, 6]")).Message);
        Assert.Equal("keys in 'time' must be plain names", Single(SmallText.Replace("  seed: 1", "  ? [a, b]\n  : 1")).Message);
    }

    [Fact]
    public void Duplicate_ids_are_errors()
    {
        var e = Single(SmallText.Replace("{id: ncp, length: 13000 km}", "{id: apg, length: 13000 km}"));
        Assert.StartsWith("duplicate cable id 'apg' (first defined at line", e.Message);
    }

    [Fact]
    public void References_to_unknown_entities_are_errors()
    {
        var e = Single(SmallText.Replace("region: ningxia, type: wind", "region: ningxai, type: wind"));
        Assert.Equal("'region' refers to unknown region 'ningxai'; did you mean 'ningxia'?", e.Message);
    }

    [Fact]
    public void Non_positive_capacities_are_errors()
    {
        var e = Single(SmallText.Replace("capacity: 1.2 GW, length: 1720 km", "capacity: -1.2 GW, length: 1720 km"));
        Assert.Equal("'capacity' must be positive, got '-1.2 GW'", e.Message);
    }

    [Fact]
    public void Faults_on_unknown_entities_or_outside_the_horizon_are_errors()
    {
        Assert.Equal("cable-cut: no cable named 'sjc9' in scenario small (known: apg, ncp)",
            Single(SmallText.Replace("faults: []", "faults:\n  - {kind: cable-cut, target: sjc9, start: 1 h}")).Message);
        Assert.StartsWith("fault starts at 7 h, outside the horizon of 6 h",
            Single(SmallText.Replace("faults: []", "faults:\n  - {kind: cable-cut, target: apg, start: 7 h}")).Message);
        Assert.StartsWith("unknown fault kind 'meteor' (expected plant-outage",
            Single(SmallText.Replace("faults: []", "faults:\n  - {kind: meteor, target: apg, start: 1 h}")).Message);
    }
}
