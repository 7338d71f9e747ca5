using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Scenarios;
using Xunit.Abstractions;

namespace GridActors.Runtime.Tests;

/// <summary>The renewable-surplus members (issue 16's targets): the same two days, batch shifted in space only, in time and
/// space, or not at all.</summary>
public class BatchShiftingSpecs(ITestOutputHelper output)
{
    private static (SupplyChainSummary Summary, RunResult Result, SupplyChainModel Model) Run(string member)
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(ScenarioLibrarySpecs.Repo(), "scenarios", $"renewable-surplus-{member}.yaml"));
        var model = new SupplyChainModel(scenario.Spec);
        var result = new SequentialExecutor().Run(model, new RunSettings(scenario.Seed, new SimTime(scenario.HorizonMicros)));
        return (SupplyChainSummary.From(model, result), result, model);
    }

    /// <summary>Power granted to every hub beyond what <paramref name="baseline"/>'s hubs were granted, summed over intervals
    /// (MWh): the only load that differs between the members.</summary>
    private static double ExtraGrantsMWh((SupplyChainSummary, RunResult Result, SupplyChainModel Model) baseline, (SupplyChainSummary, RunResult Result, SupplyChainModel Model) run)
    {
        double total = 0;
        foreach (int hub in run.Model.IdsOf(EntityKinds.Hub))
        {
            var a = HubReport.Read(new BinaryReader(new MemoryStream(baseline.Result.Reports[hub]))).Series.Rows;
            var b = HubReport.Read(new BinaryReader(new MemoryStream(run.Result.Reports[hub]))).Series.Rows;
            total += a.Zip(b).Sum(x => Math.Max(0, x.Item2.GrantMW - x.Item1.GrantMW)) * run.Model.IntervalHours;
        }
        return total;
    }

    [Fact]
    public void Time_and_space_shifting_absorbs_at_least_what_space_only_does_within_the_extra_load_and_misses_no_deadline()
    {
        var latencyFirst = Run("latency-first");
        var spaceOnly = Run("space-only");
        var green = Run("green-aware");
        var timeOnly = Run("time-only");
        foreach (var (name, (s, _, _)) in new[] { ("latency-first", latencyFirst), ("space-only", spaceOnly), ("time-only", timeOnly), ("green-aware", green) })
        {
            Assert.True(s.RequestsConserved, $"{name}: {s.RequestImbalance}");
            Assert.True(s.EnergyConserved, $"{name}: {s.EnergyImbalance}");
            Assert.Equal(0, s.BatchLate);        // baseline load: no deadline missed
            Assert.Equal(0, s.BatchDropped);
            Assert.Equal(0, s.BatchHeldAtEnd);   // a day of demand, then a day that drains it
        }
        double space = latencyFirst.Summary.CurtailedMWh - spaceOnly.Summary.CurtailedMWh;
        double both = latencyFirst.Summary.CurtailedMWh - green.Summary.CurtailedMWh;
        double bound = ExtraGrantsMWh(latencyFirst, green);
        double Usd((SupplyChainSummary S, RunResult, SupplyChainModel) x) => x.S.CostPerMillionTokens(x.S.CostElectricity + x.S.CostCapital + x.S.CostNetwork);
        output.WriteLine($"curtailment absorbed: space-only {space:0.0} MWh, time+space {both:0.0} MWh (extra grants {bound:0.0} MWh); " +
            $"USD/M tokens {Usd(latencyFirst):0.00000} → {Usd(green):0.00000}; gCO2/M tokens {latencyFirst.Summary.Carbon.GPerMillionTokens:0.00} → {green.Summary.Carbon.GPerMillionTokens:0.00}, " +
            $"marginal {latencyFirst.Summary.Carbon.MarginalGPerMillionTokens:0.00} → {green.Summary.Carbon.MarginalGPerMillionTokens:0.00}");
        Assert.True(both > 0, $"time+space absorbed {both:0.0} MWh");
        Assert.True(both >= space, $"time+space {both:0.0} MWh < space-only {space:0.0} MWh");
        // First principles: curtailment avoided needs added load, and only the hubs' load differs between the members.
        Assert.True(both <= bound + 1e-6, $"absorbed {both:0.0} MWh > the hubs' extra grants {bound:0.0} MWh");
        // Time alone moves work only within the hubs the routing policy picks anyway (Helinger and Gui'an, whose replicas
        // idle at 65 % of their full power, so little of their load can move): it absorbs something (213 MWh, seed 1), within
        // its own extra grants, and less than moving work in time and space.
        double time = latencyFirst.Summary.CurtailedMWh - timeOnly.Summary.CurtailedMWh, timeBound = ExtraGrantsMWh(latencyFirst, timeOnly);
        output.WriteLine($"time-only absorbed {time:0.0} MWh (extra grants {timeBound:0.0} MWh)");
        Assert.InRange(time, 1e-6, Math.Min(timeBound + 1e-6, both));
        // Issue 16's target: with hubs packing their work onto as few replicas as they need (HubReplicas), green-aware serves
        // a token for less money and causes less carbon (marginal intensity: what the tokens' load added) than latency-first.
        // Seeds 1–5: USD −0.001 to −0.043 %, marginal carbon −0.12 to −0.87 %. The mean (average-intensity) carbon per token
        // is printed, not asserted: it is lower on seeds 1 and 2 (−0.14 %, −0.02 %) and higher on 3–5 (up to +0.5 %) —
        // average attribution charges the absorbed surplus its region's mean intensity, and the hubs draw 1.5–1.9 % more.
        // The margins rest on how soon hubs park replicas (park_after 10 s): see the issue-16 notes and scenarios/README.md.
        Assert.True(Usd(green) < Usd(latencyFirst), $"USD/M tokens {Usd(green):0.00000} ≥ {Usd(latencyFirst):0.00000}");
        Assert.True(green.Summary.Carbon.MarginalGPerMillionTokens < latencyFirst.Summary.Carbon.MarginalGPerMillionTokens, "marginal gCO2 per token not lower");
        // The physical check: the whole grid (every load) emits less under green-aware although its hubs serve at least as
        // many tokens — the curtailed output it absorbs outweighs any extra energy its hubs draw.
        output.WriteLine($"grid emissions {latencyFirst.Summary.CarbonT:0} → {green.Summary.CarbonT:0} t; tokens {latencyFirst.Summary.TokensServed:0.###E+0} → {green.Summary.TokensServed:0.###E+0}");
        Assert.True(green.Summary.Served >= latencyFirst.Summary.Served, $"served {green.Summary.Served} < {latencyFirst.Summary.Served}");
        // (the same requests: their tokens, summed over other hubs in another order, agree to rounding)
        Assert.True(green.Summary.TokensServed >= latencyFirst.Summary.TokensServed * (1 - 1e-12), $"tokens {green.Summary.TokensServed:R} < {latencyFirst.Summary.TokensServed:R}");
        Assert.True(green.Summary.CarbonT < latencyFirst.Summary.CarbonT, $"grid emissions {green.Summary.CarbonT:0} t ≥ {latencyFirst.Summary.CarbonT:0} t");
    }
}
