using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Scenarios;

namespace GridActors.Scenarios.Tests;

public class ScenarioWriterSpecs
{
    private static Scenario Default => ScenarioLoader.LoadFile(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", "cable-cuts-asian-evening-peak.yaml"));

    private static string Written(SupplyChainSpec spec, Scenario s)
    {
        var w = new StringWriter();
        ScenarioWriter.Write(spec, s.HorizonMicros, s.Seed, w, "test");
        return w.ToString();
    }

    [Fact]
    public void A_written_scenario_loads_back_into_the_same_model()
    {
        var s = Default;
        var again = ScenarioLoader.Load("written.yaml", Written(s.Spec, s));
        var settings = new RunSettings(s.Seed, new SimTime(30 * 60_000_000L));
        Assert.Equal(new SequentialExecutor().Run(new SupplyChainModel(s.Spec), settings).Digest,
            new SequentialExecutor().Run(new SupplyChainModel(again.Spec), settings).Digest);
        Assert.Equal(s.HorizonMicros, again.HorizonMicros);
    }

    [Fact]
    public void Scaling_replicates_every_entity_with_distinct_ids_and_independent_copies()
    {
        var s = Default;
        var x3 = ScenarioWriter.Scale(s.Spec, 3);
        var loaded = ScenarioLoader.Load("x3.yaml", Written(x3, s));
        var one = new SupplyChainModel(s.Spec);
        var three = new SupplyChainModel(loaded.Spec);
        int singles = 1 + (s.Spec.Batch is null ? 0 : 1);   // one fault timeline, one batch scheduler
        Assert.Equal(3 * (one.EntityCount - singles) + singles, three.EntityCount);
        Assert.Equal(3 * s.Spec.Hubs.Count, loaded.Spec.Hubs.Count);
        Assert.All(loaded.Spec.Users.Where(u => u.Id.EndsWith("-c2")), u => Assert.All(u.Routes, r => Assert.EndsWith("-c2", r.Hub)));
        Assert.Single(loaded.Spec.Faults, f => f.Target == "all");
        var settings = new RunSettings(1, new SimTime(10 * 60_000_000L));
        var run = new SequentialExecutor().Run(three, settings);
        var summary = SupplyChainSummary.From(three, run);
        Assert.True(summary.EnergyConserved, summary.EnergyImbalance);
        Assert.True(summary.RequestsConserved, summary.RequestImbalance);
        var single = SupplyChainSummary.From(one, new SequentialExecutor().Run(one, settings));
        Assert.InRange(summary.GeneratedMWh / single.GeneratedMWh, 2.9, 3.1);
    }
}
