using System.Text.Json;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;
using GridActors.Scenarios;

namespace GridActors.Cli.Tests;

/// <summary>What <c>run --json</c> and summary.json carry, from an in-process sequential run of the small scenario.</summary>
public class RunCommandSummarySpecs
{
    [Fact]
    public void The_summary_surfaces_batch_turnaround_reroutes_hub_counts_and_waits()
    {
        var file = Path.Combine(ScenarioLoaderPaths.Repo(), "scenarios", "small.yaml");
        var scenario = ScenarioLoader.LoadFile(file);
        var model = new SupplyChainModel(scenario.Spec);
        var result = new SequentialExecutor().Run(model, new RunSettings(1, new SimTime(SimTime.MicrosPerHour)));
        var summary = RunSummaries.Of("r", scenario, "sequential", 1, result, SupplyChainSummary.From(model, result), 0, [], ClusterInfo.SingleProcess);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(summary, RunFolderJson.Compact));
        var root = json.RootElement;
        Assert.True(root.GetProperty("batchTurnaroundMs").GetProperty("p50").GetDouble() > 0);
        var byRegion = root.GetProperty("batchTurnaroundMsByRegion");
        Assert.Equal(scenario.Spec.Users.Select(u => u.Id).Order(), byRegion.EnumerateObject().Select(p => p.Name).Order());
        Assert.All(byRegion.EnumerateObject(), p => Assert.True(p.Value.GetProperty("p99").GetDouble() >= p.Value.GetProperty("p50").GetDouble()));
        var requests = root.GetProperty("requests");
        Assert.Equal(0, requests.GetProperty("rerouted").GetDouble());
        Assert.Equal(requests.GetProperty("atHubs").GetProperty("served").GetDouble() + requests.GetProperty("queuedAtEnd").GetDouble(),
            requests.GetProperty("atHubs").GetProperty("received").GetDouble());
        Assert.True(root.GetProperty("hubWaitMs").GetProperty("mean").GetDouble() >= 0);
    }
}

internal static class ScenarioLoaderPaths
{
    public static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
