using System.Text.Json;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;
using GridActors.Scenarios;

namespace GridActors.Cli.Tests;

/// <summary>summary.json's grid numbers: curtailment by kind and by region, storage flows, start-up cost.</summary>
public class GridSummarySpecs
{
    [Fact]
    public void The_summary_carries_curtailment_by_kind_and_region_storage_flows_and_start_up_cost()
    {
        var file = Path.Combine(ScenarioLoaderPaths.Repo(), "scenarios", "small.yaml");
        var text = File.ReadAllText(file)
            .Replace("ramp_per_minute: 20 MW}", "ramp_per_minute: 20 MW, min_stable: 50 %, startup_cost: 25}")
            .Replace("ramp_per_minute: 2 MW}", "ramp_per_minute: 2 MW, must_run: 100 %}")
            .Replace("capacity: 1.2 GW, length: 1720 km", "capacity: 0.3 GW, length: 1720 km")   // Ningxia's noon surplus must stay there
            .Replace("hubs:\n", "storage:\n  - {id: battery, region: ningxia, type: battery, power: 200 MW, energy: 800 MWh, initial_soc: 0}\nhubs:\n");
        var scenario = ScenarioLoader.Load(file, text);
        var model = new SupplyChainModel(scenario.Spec);
        var result = new SequentialExecutor().Run(model, new RunSettings(1, new SimTime(6 * SimTime.MicrosPerHour)));
        var s = SupplyChainSummary.From(model, result);
        var summary = RunSummaries.Of("r", scenario, "sequential", 1, result, s, 0, [], ClusterInfo.SingleProcess);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(summary, RunFolderJson.Compact));
        var energy = json.RootElement.GetProperty("energy");

        var byType = energy.GetProperty("curtailedMWhByType");
        double wind = byType.GetProperty("wind").GetDouble(), solar = byType.GetProperty("solar").GetDouble(), spill = byType.GetProperty("hydroSpill").GetDouble();
        Assert.True(wind + solar > 0, "the small scenario curtails in Ningxia");
        Assert.Equal(energy.GetProperty("curtailedMWh").GetDouble(), wind + solar + spill, 2);
        var share = Assert.Single(energy.GetProperty("curtailmentShareByRegion").EnumerateObject());
        Assert.Equal("ningxia", share.Name);
        Assert.Equal(Math.Round(s.CurtailmentShareByRegion["ningxia"], 6), share.Value.GetDouble());
        Assert.InRange(share.Value.GetDouble(), 1e-6, 1);

        var storage = energy.GetProperty("storage");
        Assert.True(storage.GetProperty("chargedMWh").GetDouble() > 0, "the battery absorbs Ningxia's surplus");
        Assert.Equal(Math.Round(s.StorageLossesMWh, 3), storage.GetProperty("lossesMWh").GetDouble());
        Assert.Equal(Math.Round(s.StorageDischargedMWh, 3), storage.GetProperty("dischargedMWh").GetDouble());
        Assert.Equal(Math.Round(s.StartupCostUsd, 3), energy.GetProperty("startupCostUsd").GetDouble());
        Assert.True(json.RootElement.GetProperty("invariants").GetProperty("energyConserved").GetBoolean());
    }
}
